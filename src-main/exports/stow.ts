import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppError, type Warning } from '../../src-shared/errors.js';

const describeFetchError = (e: unknown): string => {
  // undici says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a TLS error) is the cause.
  const cause = e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  const readable: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is the PACS running and the port right?)',
    ENOTFOUND: 'host name not found',
    ETIMEDOUT: 'connection timed out',
    ECONNRESET: 'connection reset by the server',
  };
  if (readable[code]) return readable[code];
  if (typeof cause?.message === 'string' && cause.message) return cause.message;
  return e instanceof Error ? e.message : String(e);
};

const seqLength = (v: { Value?: unknown[] } | undefined): number => (Array.isArray(v?.Value) ? v.Value.length : 0);

/**
 * DICOMweb STOW-RS (PS3.18 10.5): one multipart/related request carrying the DICOM file. The
 * response is a DICOM JSON store report; its RetrieveURL (0008,1190) says where the PACS put it.
 */
export async function stowRs(
  file: string,
  url: string,
  opts: { authorization?: string; signal?: AbortSignal } = {},
): Promise<{ status: number; retrieveUrl: string | null; stored: number; failed: number; warnings: Warning[] }> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new AppError('VALIDATION', `Not a URL: ${url}`);
  }
  // The contract checks this too; kept here because this function is the one that opens the socket.
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new AppError('VALIDATION', `STOW-RS needs an http:// or https:// URL, not ${target.protocol}`);
  let dicom: Buffer;
  try {
    dicom = await readFile(file);
  } catch (e) {
    throw new AppError('NOT_FOUND', `Cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const boundary = `cardioseg-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`, 'latin1');
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
  const body = Buffer.concat([head, dicom, tail]);
  let res: Response;
  try {
    res = await fetch(target, {
      method: 'POST',
      headers: {
        'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
        Accept: 'application/dicom+json',
        ...(opts.authorization ? { Authorization: opts.authorization } : {}),
      },
      body,
      signal: opts.signal,
    });
  } catch (e) {
    if (opts.signal?.aborted) throw new AppError('ABORTED', 'Sending to the PACS was cancelled');
    throw new AppError('IO', `Could not reach the PACS at ${target.origin}: ${describeFetchError(e)}`, { url: `${target.origin}${target.pathname}` });
  }
  const text = await res.text();
  const warnings: Warning[] = [];
  let retrieveUrl: string | null = null;
  let stored = 0;
  let failed = 0;
  try {
    const json = JSON.parse(text) as Record<string, { Value?: unknown[] }>;
    const v = json['00081190']?.Value?.[0];
    if (typeof v === 'string') retrieveUrl = v;
    stored = seqLength(json['00081199']);
    failed = seqLength(json['00081198']);
    if (failed > 0) warnings.push({ code: 'STOW_FAILED_SOP', message: `The PACS refused ${failed} instance${failed === 1 ? '' : 's'}`, details: json['00081198'] });
  } catch {
    if (res.ok) warnings.push({ code: 'STOW_RESPONSE', message: 'The STOW-RS response was not DICOM JSON' });
  }
  if (!res.ok) {
    const why = res.status === 401 || res.status === 403 ? ' (not authorised: check the Authorization header)' : res.status === 404 ? ' (no STOW-RS service at that path: the URL usually ends in /studies)' : '';
    throw new AppError('IO', `The PACS answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${why}`, { status: res.status, body: text.slice(0, 500) });
  }
  return { status: res.status, retrieveUrl, stored, failed, warnings };
}

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AppError, type Warning } from '../../src-shared/errors.js';

/**
 * DICOMweb STOW-RS (PS3.18 10.5): one multipart/related request carrying the DICOM file. The
 * response is a DICOM JSON store report; its RetrieveURL (0008,1190) says where the PACS put it.
 */
export async function stowRs(
  file: string,
  url: string,
  opts: { authorization?: string; signal?: AbortSignal } = {},
): Promise<{ status: number; retrieveUrl: string | null; warnings: Warning[] }> {
  const dicom = await readFile(file);
  const boundary = `cardioseg-${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`, 'latin1');
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
  const body = Buffer.concat([head, dicom, tail]);
  let res: Response;
  try {
    res = await fetch(url, {
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
    throw new AppError('IO', `STOW-RS request to ${new URL(url).origin} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const text = await res.text();
  const warnings: Warning[] = [];
  let retrieveUrl: string | null = null;
  try {
    const json = JSON.parse(text) as Record<string, { Value?: unknown[] }>;
    const v = json['00081190']?.Value?.[0];
    if (typeof v === 'string') retrieveUrl = v;
    if (json['00081198']?.Value?.length) warnings.push({ code: 'STOW_FAILED_SOP', message: 'The PACS refused some instances', details: json['00081198'] });
  } catch {
    if (res.ok) warnings.push({ code: 'STOW_RESPONSE', message: 'The STOW-RS response was not DICOM JSON' });
  }
  if (!res.ok) throw new AppError('IO', `STOW-RS returned HTTP ${res.status}`, { status: res.status, body: text.slice(0, 500) });
  return { status: res.status, retrieveUrl, warnings };
}

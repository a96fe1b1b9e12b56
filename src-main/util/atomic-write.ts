import { randomBytes } from 'node:crypto';
import { open, rename, rm, mkdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Write a file so that a crash or kill leaves either the previous file or the complete new one:
 * write a temp file in the same directory, fsync it, then rename over the target.
 */
export async function writeFileAtomic(
  target: string,
  data: Uint8Array | string | AsyncIterable<Uint8Array>,
  opts: { overwrite?: boolean; signal?: AbortSignal } = {},
): Promise<void> {
  const dir = path.dirname(target);
  await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, opts.overwrite === false ? 'wx' : 'w');
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) {
      await fh.writeFile(data);
    } else {
      for await (const chunk of data) {
        opts.signal?.throwIfAborted();
        await fh.write(chunk);
      }
    }
    await fh.sync();
    await fh.close();
    opts.signal?.throwIfAborted();
    if (opts.overwrite === false) {
      // link() fails if the target exists, making "never overwrite" race-free.
      const { link } = await import('node:fs/promises');
      await link(tmp, target);
      await rm(tmp, { force: true });
    } else {
      await rename(tmp, target);
    }
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
}

import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { toAppError } from '../../src-shared/errors.js';
import type { DicomHeader } from './header.js';
import { parseDicomBytes } from './parse.js';
import { decodeStoredFrame, type StoredArray } from './pixels.js';

/** Worker side of decode-pool.ts: read one file, decode the asked frames, transfer them back. */
export interface DecodeTask {
  id: number;
  file: string;
  header: DicomHeader;
  frames: number[];
}

const port = parentPort;
if (port) {
  port.on('message', (msg: DecodeTask | 'ping') => {
    if (msg === 'ping') {
      port.postMessage('pong');
      return;
    }
    void (async () => {
      try {
        const ds = parseDicomBytes(await readFile(msg.file), { headerOnly: false });
        const frames: StoredArray[] = [];
        for (const f of msg.frames) {
          const a = await decodeStoredFrame(ds, msg.header, f);
          // Own the buffer: views into the file bytes would transfer the whole file (or fail).
          frames.push(a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice());
        }
        port.postMessage({ id: msg.id, frames }, frames.map((a) => a.buffer as ArrayBuffer));
      } catch (e) {
        port.postMessage({ id: msg.id, error: toAppError(e, 'DATA').toJSON() });
      }
    })();
  });
}

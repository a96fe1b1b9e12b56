import { decodeFrame, encodeFrame } from './binary-codec.js';
import { Listeners, type Transport } from './transport.js';

/** The least a WebSocket (browser's or the `ws` package's) must offer. */
export interface FrameSocket {
  send(frame: Uint8Array): void;
  onFrame(fn: (frame: Uint8Array) => void): void;
  onClose(fn: (code: number, reason: string) => void): void;
}

export interface SocketTransport extends Transport {
  readonly closed: boolean;
}

export function socketTransport(sock: FrameSocket, onBadFrame?: (err: unknown) => void): SocketTransport {
  const msgs = new Listeners<unknown>();
  const closes = new Listeners<void>();
  let closed = false;
  sock.onFrame((frame) => {
    let msg: unknown;
    try {
      msg = decodeFrame(frame);
    } catch (e) {
      onBadFrame?.(e);
      return;
    }
    msgs.emit(msg);
  });
  sock.onClose(() => {
    closed = true;
    closes.emit();
  });
  return {
    get closed() {
      return closed;
    },
    post(msg) {
      if (closed) throw new Error('The connection is closed');
      sock.send(encodeFrame(msg));
    },
    onMessage: (fn) => msgs.add(fn),
    onClose: (fn) => closes.add(() => fn()),
  };
}

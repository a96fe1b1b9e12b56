import type { IpcMain, IpcMainEvent, WebContents } from 'electron';
import { Listeners, type Transport } from '../../src-shared/rpc/transport.js';

export const RPC_CHANNEL = 'cardioseg:rpc';

/** One transport per window: structured clone carries typed arrays natively over IPC. */
export function electronIpcTransport(ipcMain: IpcMain, contents: WebContents): Transport {
  const msgs = new Listeners<unknown>();
  const closes = new Listeners<void>();
  const onMsg = (e: IpcMainEvent, msg: unknown) => {
    // Only accept messages from the window this transport belongs to.
    if (e.sender.id === contents.id) msgs.emit(msg);
  };
  ipcMain.on(RPC_CHANNEL, onMsg);
  contents.once('destroyed', () => {
    ipcMain.removeListener(RPC_CHANNEL, onMsg);
    closes.emit();
  });
  return {
    post: (m) => {
      if (!contents.isDestroyed()) contents.send(RPC_CHANNEL, m);
    },
    onMessage: (fn) => msgs.add(fn),
    onClose: (fn) => closes.add(() => fn()),
  };
}

/**
 * The preload is a pipe: one object, two functions, one channel. No Node, no services, no
 * business logic here; everything goes through the typed contract in the renderer.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const CHANNEL = 'cardioseg:rpc';

contextBridge.exposeInMainWorld('cardioseg', {
  post(msg: unknown): void {
    ipcRenderer.send(CHANNEL, msg);
  },
  onMessage(fn: (msg: unknown) => void): () => void {
    const listener = (_e: IpcRendererEvent, msg: unknown) => fn(msg);
    ipcRenderer.on(CHANNEL, listener);
    return () => ipcRenderer.removeListener(CHANNEL, listener);
  },
});

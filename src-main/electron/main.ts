/**
 * Electron app entry: window lifecycle and security policy only. The services are the same ones
 * the CLI and web mode use (src-main/core.ts).
 */
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../core.js';
import { electronIpcTransport } from './ipc-transport.js';
import { setHostNativeAdapter } from '../services/host.service.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'";

app.enableSandbox();

function createWindow(core: ReturnType<typeof createCore>): void {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'CardioSeg',
    backgroundColor: '#111418',
    show: false,
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      // Middle-click would otherwise open links in new windows, bypassing the handler below.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const stop = core.router.serve(electronIpcTransport(ipcMain, win.webContents));
  win.on('closed', stop);
  win.once('ready-to-show', () => win.show());

  // An offline clinical workstation: no navigation away from the bundled UI, no new windows,
  // and no hand-off of URLs to the OS browser either.
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.on('will-redirect', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));

  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl && !app.isPackaged) void win.loadURL(devUrl);
  else void win.loadFile(path.join(here, '../renderer/index.html'));
}

void app.whenReady().then(() => {
  // Offline workstation: refuse every request that is not our own bundle (or the dev server).
  const devOrigin = process.env.ELECTRON_RENDERER_URL ? new URL(process.env.ELECTRON_RENDERER_URL).origin : undefined;
  session.defaultSession.webRequest.onBeforeRequest((details, cb) => {
    const u = details.url;
    const ok = u.startsWith('file://') || u.startsWith('devtools://') || u.startsWith('data:') || u.startsWith('blob:') || (devOrigin !== undefined && u.startsWith(devOrigin));
    cb({ cancel: !ok });
  });
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (ev) => ev.preventDefault());
  });

  // The host service's native half: the folder dialog and the file manager exist only here.
  setHostNativeAdapter({
    pickFolder: async ({ title, defaultPath }) => {
      const win = BrowserWindow.getFocusedWindow();
      const opts = { title: title ?? 'Open study folder', properties: ['openDirectory' as const], ...(defaultPath ? { defaultPath } : {}) };
      const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    openFolder: async (dir) => (await shell.openPath(dir)) === '',
  });
  const core = createCore();
  createWindow(core);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(core);
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';

const read = (p: string) => readFileSync(path.join(REPO_ROOT, p), 'utf8');

// Electron's binary cannot run here, so the window's security posture is asserted on the source
// that electron-vite bundles (and electronegativity scans the bundle in the sibling test).
describe('Electron window security settings', () => {
  const main = read('src-main/electron/main.ts');
  const preload = read('src-preload/index.ts');

  it('isolates the renderer', () => {
    expect(main).toMatch(/contextIsolation:\s*true/);
    expect(main).toMatch(/sandbox:\s*true/);
    expect(main).toMatch(/nodeIntegration:\s*false/);
    expect(main).toMatch(/webSecurity:\s*true/);
    expect(main).toMatch(/app\.enableSandbox\(\)/);
    expect(main).not.toMatch(/nodeIntegration:\s*true|contextIsolation:\s*false|sandbox:\s*false|webSecurity:\s*false/);
  });

  it('denies navigation, new windows, permissions and remote requests, and sets a CSP', () => {
    expect(main).toMatch(/will-navigate[^\n]*preventDefault/);
    expect(main).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
    expect(main).toMatch(/setPermissionRequestHandler\(.*cb\(false\)/);
    expect(main).toMatch(/onBeforeRequest/);
    expect(main).toMatch(/Content-Security-Policy/);
    expect(main).not.toMatch(/openExternal/);
    expect(read('src-renderer/index.html')).toMatch(/http-equiv="Content-Security-Policy"[^>]*default-src 'self'/);
  });

  it('exposes exactly one object from the preload, over one channel', () => {
    expect(preload.match(/exposeInMainWorld\(/g)).toHaveLength(1);
    expect(new Set(preload.match(/'cardioseg:[a-z]+'/g))).toEqual(new Set(["'cardioseg:rpc'"]));
  });
});

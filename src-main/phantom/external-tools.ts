import { spawnSync } from 'node:child_process';

/**
 * Locating the Debian validators the tests compare against. A pyenv shim may shadow the system
 * python that has the Debian python3-nibabel / python3-pydicom modules, so try both.
 */
export function hasCommand(cmd: string, args: string[] = ['-help']): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).error === undefined;
}

export function pythonWith(modules: string[]): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', modules.map((m) => `import ${m}`).join(';')], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return null;
}

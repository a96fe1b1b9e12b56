import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';

/** The layer rules must bite: feed lint a forbidden import in each layer and expect an error. */
async function lintAs(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const [res] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, file) });
  return (res?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules (eslint no-restricted-imports)', { timeout: 60_000 }, () => {
  it('src-shared may not import Node, Electron or vtk.js', async () => {
    expect(await lintAs('src-shared/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await lintAs('src-shared/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await lintAs('src-shared/x.ts', "import v from '@kitware/vtk.js';\nexport const a = v;\n")).toHaveLength(1);
    expect(await lintAs('src-shared/x.ts', "import { z } from 'zod';\nexport const a = z;\n")).toHaveLength(0);
  });

  it('electron only in src-main/electron', async () => {
    expect(await lintAs('src-main/services/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
    expect(await lintAs('src-main/electron/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(0);
  });

  it('the renderer never imports src-main or Node', async () => {
    expect(await lintAs('src-renderer/lib/x.ts', "import { createCore } from '../../src-main/core.js';\nexport const a = createCore;\n")).toHaveLength(1);
    expect(await lintAs('src-renderer/lib/x.ts', "import fs from 'fs';\nexport const a = fs;\n")).toHaveLength(1);
  });

  it('the preload imports electron only', async () => {
    expect(await lintAs('src-preload/x.ts', "import { contract } from '../src-shared/contract/index.js';\nexport const a = contract;\n")).toHaveLength(1);
  });
});

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** ../shared beside the checkout (CI lays a copy there); CARDIOSEG_SHARED overrides. */
export const SHARED_DIR = process.env.CARDIOSEG_SHARED ?? path.resolve(REPO_ROOT, '..', 'shared');
export const SHARED_DATA = path.join(SHARED_DIR, 'data');
export const SHARED_MODELS = path.join(SHARED_DIR, 'models');
export const hasShared = existsSync(SHARED_DATA);

export const dataPath = (...p: string[]) => path.join(SHARED_DATA, ...p);
export const CACHE_DIR = path.join(REPO_ROOT, '.cache');
export const TEST_OUTPUT = path.join(REPO_ROOT, 'test-output');

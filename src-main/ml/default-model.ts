import { access } from 'node:fs/promises';
import path from 'node:path';
import { APP_ROOT } from '../version.js';

export const DEFAULT_MODEL_DIR = path.join(APP_ROOT, 'resources', 'models', 'cardioseg-default');

/** The bundled model, if this build ships one (see resources/models/README.md). */
export async function findDefaultModel(): Promise<{ id: string; path: string } | null> {
  try {
    await access(path.join(DEFAULT_MODEL_DIR, 'plans.json'));
    return { id: 'cardioseg-default', path: DEFAULT_MODEL_DIR };
  } catch {
    return null;
  }
}

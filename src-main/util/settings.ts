/**
 * The user's config folder and settings.json in it: the adopted default model and the UI's
 * remembered choices. Shared by the host service (which edits it) and the model resolver (which
 * only reads it), so the CLI, web mode and Electron all honour the same choices.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../src-shared/errors.js';
import { writeFileAtomic } from './atomic-write.js';

/** CARDIOSEG_CONFIG_DIR wins (tests, portable installs); then the platform's user config dir. */
export function configDir(): string {
  if (process.env.CARDIOSEG_CONFIG_DIR) return process.env.CARDIOSEG_CONFIG_DIR;
  if (process.platform === 'win32' && process.env.APPDATA) return path.join(process.env.APPDATA, 'CardioSeg');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'CardioSeg');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'cardioseg');
}

export const settingsFile = (): string => path.join(configDir(), 'settings.json');

const FIELDS = {
  /** Absolute model folder adopted as the default for segmentation; absent = the bundled model. */
  defaultModel: z.string().min(1),
  /** The DICOMweb STOW-RS endpoint the last SEG was sent to successfully. */
  stowUrl: z.string().min(1),
};
export type Settings = { [K in keyof typeof FIELDS]?: z.infer<(typeof FIELDS)[K]> };
type SettingsKey = keyof typeof FIELDS;
const KEYS = Object.keys(FIELDS) as SettingsKey[];

async function readRaw(): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(settingsFile(), 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A hand-edited or damaged file must not stop the app: each field that does not parse is unset. */
function pick(raw: Record<string, unknown>): Settings {
  const out: Settings = {};
  for (const k of KEYS) {
    const r = FIELDS[k].safeParse(raw[k]);
    if (r.success) out[k] = r.data;
  }
  return out;
}

export async function readSettings(): Promise<Settings> {
  return pick(await readRaw());
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Read-modify-write of settings.json, written atomically. Changes are queued so two quick edits in
 * this process never drop each other; fields this version does not know (a newer version wrote
 * them) are kept.
 */
export function updateSettings(change: Partial<Record<SettingsKey, string | null>>): Promise<Settings> {
  const next = queue.then(async () => {
    const raw = await readRaw();
    for (const k of KEYS) {
      const v = change[k];
      if (v === null) delete raw[k];
      else if (v !== undefined) raw[k] = v;
    }
    try {
      await writeFileAtomic(settingsFile(), `${JSON.stringify(raw, null, 2)}\n`);
    } catch (e) {
      throw new AppError('IO', `Could not save the settings in ${configDir()}`, { cause: e instanceof Error ? e.message : String(e) });
    }
    return pick(raw);
  });
  queue = next.catch(() => undefined);
  return next;
}

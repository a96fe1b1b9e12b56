import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { z } from 'zod';
import path from 'node:path';
import { PreferencesSchema, RecentStudySchema, type Preferences, type RecentStudy } from '../../src-shared/contract/host.contract.js';
import type { Contract } from '../../src-shared/contract/index.js';
import type { ServiceImpl } from '../../src-shared/rpc/define.js';
import { AppError } from '../../src-shared/errors.js';
import { checkModelFolder, resolveDefaultModel } from '../ml/default-model.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { configDir, readSettings, updateSettings, type Settings } from '../util/settings.js';

/** What only a desktop shell can do; the Electron entry installs one, web mode has none. */
export interface HostNativeAdapter {
  pickFolder(opts: { title?: string; defaultPath?: string }): Promise<string | null>;
  openFolder(dir: string): Promise<boolean>;
}

let nativeAdapter: HostNativeAdapter | undefined;

export function setHostNativeAdapter(adapter: HostNativeAdapter | undefined): void {
  nativeAdapter = adapter;
}

const MAX_RECENT = 20;

/** The part of a model folder's training-result.json the comparison needs. */
const ModelResultSchema = z.object({
  validation: z.object({ meanForegroundDice: z.number(), dice: z.array(z.number().nullable()) }),
  validationPatients: z.array(z.string()).optional(),
});

const recentFile = () => path.join(configDir(), 'recent-studies.json');

async function readRecent(): Promise<RecentStudy[]> {
  let text: string;
  try {
    text = await readFile(recentFile(), 'utf8');
  } catch {
    return [];
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const list = Array.isArray(parsed) ? parsed : [];
    // A hand-edited or older file must not break the Open screen: keep the entries that parse.
    return list.flatMap((e) => {
      const r = RecentStudySchema.safeParse(e);
      return r.success ? [r.data] : [];
    });
  } catch {
    return [];
  }
}

/** A remembered URL that no longer passes the contract (hand-edited file) reads as unset. */
function preferences(s: Settings): Preferences {
  const url = PreferencesSchema.shape.stowUrl.safeParse(s.stowUrl ?? null);
  return { stowUrl: url.success ? url.data : null };
}

async function writeRecent(list: RecentStudy[]): Promise<void> {
  try {
    await writeFileAtomic(recentFile(), JSON.stringify(list, null, 2));
  } catch (e) {
    throw new AppError('IO', `Could not save the recent studies list in ${configDir()}`, { cause: e instanceof Error ? e.message : String(e) });
  }
}

export function createHostService(): ServiceImpl<Contract['host']> {
  return {
    async pickFolder(input) {
      if (!nativeAdapter) return { supported: false, path: null };
      return { supported: true, path: await nativeAdapter.pickFolder(input) };
    },
    async openFolder({ path: dir }) {
      if (!nativeAdapter) return { supported: false, opened: false };
      return { supported: true, opened: await nativeAdapter.openFolder(dir) };
    },
    async workDir({ study }) {
      // Keyed by a hash of the study path: study folders are often read-only (CD, PACS share).
      const key = createHash('sha256').update(path.resolve(study)).digest('hex').slice(0, 16);
      const dir = path.join(configDir(), 'work', key);
      try {
        await mkdir(dir, { recursive: true });
      } catch (e) {
        throw new AppError('IO', `Could not create the working folder ${dir}`, { cause: e instanceof Error ? e.message : String(e) });
      }
      return { path: dir };
    },
    async modelSummary({ dir }) {
      const none = { dir, found: false, meanForegroundDice: null, dice: [], validationPatients: [] };
      let text: string;
      try {
        text = await readFile(path.join(dir, 'training-result.json'), 'utf8');
      } catch {
        return none;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
      const r = ModelResultSchema.safeParse(parsed);
      if (!r.success) throw new AppError('DATA', `${path.join(dir, 'training-result.json')} is not a CardioSeg training result`, { issues: r.error ? r.error.issues.slice(0, 5) : [] });
      return { dir, found: true, meanForegroundDice: r.data.validation.meanForegroundDice, dice: r.data.validation.dice, validationPatients: r.data.validationPatients ?? [] };
    },
    async listRecent() {
      return { studies: await readRecent() };
    },
    async addRecent(entry) {
      const abs = path.resolve(entry.path);
      const rest = (await readRecent()).filter((s) => path.resolve(s.path) !== abs);
      const studies = [{ ...entry, path: abs, openedAt: new Date().toISOString() }, ...rest].slice(0, MAX_RECENT);
      await writeRecent(studies);
      return { studies };
    },
    async clearRecent() {
      await writeRecent([]);
      return { studies: [] };
    },
    async getDefaultModel() {
      return resolveDefaultModel();
    },
    async setDefaultModel({ dir }) {
      if (dir === null) {
        await updateSettings({ defaultModel: null });
        return resolveDefaultModel();
      }
      // Absolute, so the CLI run from another folder finds the same model.
      const abs = path.resolve(dir);
      await checkModelFolder(abs);
      await updateSettings({ defaultModel: abs });
      return resolveDefaultModel();
    },
    async getPreferences() {
      return preferences(await readSettings());
    },
    async setPreferences(input) {
      return preferences(await updateSettings({ ...(input.stowUrl !== undefined ? { stowUrl: input.stowUrl } : {}) }));
    },
  };
}

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TransferSyntaxName } from '../dicom/writer/index.js';
import { AppError } from '../../src-shared/errors.js';
import { GENERATOR_VERSION } from './generate.js';
import { generatePhantomFolder } from './output.js';
import { phantomName, type PhantomParams } from './params.js';
import type { PhantomTruth } from './truth.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PHANTOM_CACHE_DIR = process.env.CARDIOSEG_PHANTOM_CACHE ?? path.join(REPO_ROOT, '.cache');

export interface PhantomFixture {
  dir: string;
  dicomDir: string;
  dicomFiles: string[];
  labelsPath: string;
  ctNiftiPath: string | null;
  truthPath: string;
  truth: PhantomTruth;
}

export interface FixtureRequest extends PhantomParams {
  syntax?: TransferSyntaxName;
  /** Default: `.cache/` at the repository root (or $CARDIOSEG_PHANTOM_CACHE). */
  cacheDir?: string;
}

export function fixtureDirName(req: FixtureRequest): string {
  const syntax = req.syntax ?? 'explicit-le';
  return `${phantomName(req)}${syntax === 'explicit-le' ? '' : `_${syntax}`}`;
}

async function load(dir: string): Promise<PhantomFixture> {
  const truth = JSON.parse(await readFile(path.join(dir, 'truth.json'), 'utf8')) as PhantomTruth;
  const dicomDir = path.join(dir, 'dicom');
  const dicomFiles = (await readdir(dicomDir)).filter((f) => f.endsWith('.dcm')).sort().map((f) => path.join(dicomDir, f));
  const ct = path.join(dir, 'ct.nii.gz');
  return { dir, dicomDir, dicomFiles, labelsPath: path.join(dir, 'labels.nii.gz'), ctNiftiPath: existsSync(ct) ? ct : null, truthPath: path.join(dir, 'truth.json'), truth };
}

/**
 * A phantom folder in `.cache/`, generated once and reused (e.g. `.cache/phantom_seed7_96x96x64_1.8x1.8x2.2mm/`).
 * Safe when several test processes ask at once: each builds in a private temp folder and renames
 * it into place; the loser of the race discards its copy and uses the winner's.
 */
export async function getPhantomFixture(req: FixtureRequest): Promise<PhantomFixture> {
  const dir = path.join(req.cacheDir ?? PHANTOM_CACHE_DIR, fixtureDirName(req));
  const done = path.join(dir, 'truth.json');
  if (existsSync(done)) {
    const cached = await load(dir);
    if (cached.truth.generatorVersion === GENERATOR_VERSION) return cached;
    // Made by an older generator: move it aside (atomic) so it is rebuilt below.
    const stale = `${dir}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    await rename(dir, stale).catch(() => undefined);
    await rm(stale, { recursive: true, force: true });
  }
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await generatePhantomFolder(tmp, req, { syntax: req.syntax, ctNifti: true, atomicFiles: false });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  try {
    await rename(tmp, dir);
  } catch {
    // Another process won the race: use its (identical) copy.
    await rm(tmp, { recursive: true, force: true });
    if (!existsSync(done)) throw new AppError('IO', `Phantom fixture ${dir} could not be created`);
  }
  return load(dir);
}

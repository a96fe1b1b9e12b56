/**
 * Import benchmark: a 512x512xN CT series (N = 256 by default) made from the real slice
 * ct-transfer-syntaxes/CTImage.dcm (new UIDs and positions per slice), written in every transfer
 * syntax with dcmtk/gdcm, imported by CardioSeg and by dcm2niix on the same files in the same run.
 * Prints seconds, the ratio CardioSeg/dcm2niix, and each side's peak RSS.
 * Run: npx tsx bench/import.bench.ts [--slices 256] [--syntax raw,j2k,...]
 * Fixtures are cached in .cache/bench-import/ (the J2K encode takes a minute or two).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importDicom } from '../src-main/dicom/index.js';
import { CACHE_DIR, dataPath } from '../tests/helpers/paths.js';
import { patchElement } from '../tests/integration/import-fixtures.js';

const { values } = parseArgs({ options: { slices: { type: 'string' }, syntax: { type: 'string' }, child: { type: 'string' } } });

// Child mode: import one folder and report time and peak RSS on stdout (a clean process each).
if (values.child) {
  const t = performance.now();
  const c0 = process.cpuUsage();
  const r = await importDicom(values.child);
  const s = (performance.now() - t) / 1000;
  const c = process.cpuUsage(c0); // all threads of the process, workers included
  const cpuS = (c.user + c.system) / 1e6;
  process.stdout.write(JSON.stringify({ s, cpuS, rssMiB: process.resourceUsage().maxRSS / 1024, dims: r.volume.dims, type: r.volume.data.constructor.name }));
  process.exit(0);
}

const N = Number(values.slices ?? 256);
const ROOT = path.join(CACHE_DIR, 'bench-import', String(N));
const SYNTAXES: Record<string, string[] | null> = {
  raw: null,
  implicit: ['dcmconv', '+ti'],
  bigendian: ['dcmconv', '+tb'],
  deflate: ['dcmconv', '+td'],
  'jpeg-lossless': ['gdcmconv', '--jpeg', '--lossless'],
  jpegls: ['gdcmconv', '--jpegls'],
  j2k: ['gdcmconv', '--j2k'],
  rle: ['gdcmconv', '--rle'],
};
const wanted = values.syntax ? values.syntax.split(',') : Object.keys(SYNTAXES);

function makeRaw(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const src = readFileSync(dataPath('dicom', 'ct-transfer-syntaxes', 'testImages', 'CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm'));
  const series = `2.25.${Date.now()}1`;
  for (let k = 0; k < N; k++) {
    let b: Uint8Array = new Uint8Array(src);
    b = patchElement(b, 'x0020000e', series);
    b = patchElement(b, 'x00080018', `${series}.${k + 1}`);
    b = patchElement(b, 'x00020003', `${series}.${k + 1}`);
    b = patchElement(b, 'x00200013', String(N - k));
    b = patchElement(b, 'x00200032', `-172.0\\-172.0\\${(-100 + k * 1.25).toFixed(2)}`);
    writeFileSync(path.join(dir, `s${String(k).padStart(4, '0')}.dcm`), b);
  }
}

function ensure(name: string): string {
  const dir = path.join(ROOT, name);
  if (existsSync(path.join(dir, '.done'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  const raw = path.join(ROOT, 'raw');
  if (name === 'raw') makeRaw(dir);
  else {
    ensure('raw');
    mkdirSync(dir, { recursive: true });
    const [tool, ...args] = SYNTAXES[name] as string[];
    for (const f of readdirSync(raw).filter((x) => x.endsWith('.dcm'))) execFileSync(tool as string, [...args, path.join(raw, f), path.join(dir, f)], { stdio: 'ignore' });
  }
  writeFileSync(path.join(dir, '.done'), '');
  return dir;
}

interface Run {
  s: number;
  cpuS: number;
  rssMiB: number;
}

function dcm2niix(dir: string): Run | string {
  const out = path.join(ROOT, 'dcm2niix-out');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', 'dcm2niix', '-z', 'n', '-o', out, '-f', 'vol', dir], { encoding: 'utf8' });
  const s = (performance.now() - t) / 1000;
  const nii = readdirSync(out).filter((f) => f.endsWith('.nii'));
  if (r.status !== 0 || nii.length === 0) return `dcm2niix could not convert (${(r.stdout + r.stderr).split('\n').find((l) => /error|unsupported/i.test(l)) ?? `exit ${r.status}`})`;
  const [kb, user, sys] = (r.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return { s, cpuS: (user ?? 0) + (sys ?? 0), rssMiB: (kb ?? 0) / 1024 };
}

function ours(dir: string): Run {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', dir], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`CardioSeg import failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Run;
}

console.log(`Import benchmark: 512x512x${N} CT from CTImage.dcm, CardioSeg (node ${process.versions.node}) vs dcm2niix; fixtures in ${ROOT}`);
console.log('Wall seconds depend on machine load; CPU seconds (all threads) are the steadier comparison.');
console.log('syntax          cardioseg s (cpu)   dcm2niix s (cpu)   ratio wall (cpu)  cardioseg RSS  dcm2niix RSS');
for (const name of wanted) {
  if (!(name in SYNTAXES)) throw new Error(`unknown syntax ${name}`);
  const dir = ensure(name);
  ours(dir); // warm the page cache for both sides equally
  const a = ours(dir);
  const b = dcm2niix(dir);
  const mine = `${a.s.toFixed(2).padStart(7)} (${a.cpuS.toFixed(2).padStart(6)})`;
  if (typeof b === 'string') {
    console.log(`${name.padEnd(15)} ${mine}   ${'-'.padStart(16)}   ${'-'.padStart(15)}  ${a.rssMiB.toFixed(0).padStart(9)} MiB  ${b}`);
  } else {
    const theirs = `${b.s.toFixed(2).padStart(7)} (${b.cpuS.toFixed(2).padStart(6)})`;
    const ratio = `${(a.s / b.s).toFixed(2).padStart(5)} (${(a.cpuS / b.cpuS).toFixed(2).padStart(5)})`;
    console.log(`${name.padEnd(15)} ${mine}   ${theirs}   ${ratio.padStart(15)}  ${a.rssMiB.toFixed(0).padStart(9)} MiB  ${b.rssMiB.toFixed(0).padStart(8)} MiB`);
  }
}

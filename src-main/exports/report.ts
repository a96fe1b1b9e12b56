import type { ExportModelInfo } from '../../src-shared/contract/exports.contract.js';
import type { Warning } from '../../src-shared/errors.js';
import type { StructureStats } from './stats.js';

/** The numbers of one export, as JSON, one CSV table and a printable HTML page. */
export interface ReportImage {
  /** Path relative to the report folder. */
  file: string;
  title: string;
  plane: string;
  structure: string | null;
}

export interface ReportData {
  app: { name: 'CardioSeg'; version: string };
  generatedAt: string;
  source: { ctPath: string; labelsPath: string; seriesDescription: string | null; studyDate: string | null; seriesInstanceUid: string | null; dims: number[]; spacingMm: number[] };
  model: ExportModelInfo | null;
  structures: StructureStats[];
  mitral: { measurements: Record<string, number>; centerLps: number[]; sizeMm: number[] } | null;
  importWarnings: Warning[];
  exportWarnings: Warning[];
  images: ReportImage[];
}

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;

export function reportJson(r: ReportData): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

/** RFC 4180 quoting, plus a leading quote on text that a spreadsheet would run as a formula. */
function cell(v: string | number | null | undefined, text = true): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (text && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Units follow the geometry module's naming (`areaMm2`, `perimeterMm`, `angle...Deg`). */
const unitOf = (key: string): string => (/Mm2$/.test(key) ? 'mm2' : /Mm$/.test(key) ? 'mm' : /Deg$/.test(key) ? 'deg' : /Ml$/.test(key) ? 'mL' : '');

const LABELS: Record<string, string> = {
  areaMm2: 'Annulus area',
  orificeAreaMm2: 'Orifice area (voxel cut)',
  perimeterMm: 'Annulus perimeter',
  maxDiameterMm: 'Maximum diameter',
  minDiameterMm: 'Minimum diameter',
  septalLateralMm: 'Septal-lateral diameter',
  commissuralMm: 'Commissural diameter',
  angleToLvLongAxisDeg: 'Angle to LV long axis',
  planeRmsMm: 'Annulus plane fit RMS',
};
const UNIT_TEXT: Record<string, string> = { mm2: 'mm²', mm: 'mm', deg: '°', mL: 'mL', '': '' };
const measurementLabel = (key: string): string => `${LABELS[key] ?? key}${UNIT_TEXT[unitOf(key)] ? ` (${UNIT_TEXT[unitOf(key)]})` : ''}`;

export const CSV_HEADER = ['section', 'key', 'name', 'voxel_count', 'volume_ml', 'mean_hu', 'value', 'unit'];

export function reportCsv(r: ReportData): string {
  const rows: string[] = [CSV_HEADER.join(',')];
  const row = (section: string, key: string, name: string, nums: Array<number | null>, value: string | number | null, unit: string) =>
    rows.push([cell(section), cell(key), cell(name), ...nums.map((n) => cell(n, false)), cell(value, typeof value !== 'number'), cell(unit)].join(','));
  for (const s of r.structures) row('structure', s.key, s.name, [s.voxelCount, round(s.volumeMl, 3), s.meanHu === null ? null : round(s.meanHu, 1)], r.model?.perClassDice?.[s.key] ?? null, 'dice');
  for (const [k, v] of Object.entries(r.mitral?.measurements ?? {})) row('mitral', k, k, [null, null, null], round(v, 3), unitOf(k));
  if (r.model) {
    row('model', 'id', r.model.id, [null, null, null], r.model.version ?? null, 'version');
    if (r.model.validationDice !== undefined) row('model', 'validation_dice', r.model.id, [null, null, null], r.model.validationDice, 'dice');
  }
  for (const w of r.importWarnings) row('import_warning', w.code, w.message, [null, null, null], w.file ?? null, '');
  for (const w of r.exportWarnings) row('export_warning', w.code, w.message, [null, null, null], w.file ?? null, '');
  return `${rows.join('\r\n')}\r\n`;
}

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function reportHtml(r: ReportData): string {
  const structRows = r.structures
    .map((s) => `<tr><td>${esc(s.name)}</td><td class="n">${s.voxelCount}</td><td class="n">${s.volumeMl.toFixed(2)}</td><td class="n">${s.meanHu === null ? '–' : s.meanHu.toFixed(0)}</td><td class="n">${r.model?.perClassDice?.[s.key]?.toFixed(3) ?? '–'}</td></tr>`)
    .join('\n');
  const mitral = r.mitral
    ? `<h2>Mitral valve</h2><table><tr><th>Measurement</th><th>Value</th></tr>${Object.entries(r.mitral.measurements)
        .map(([k, v]) => `<tr><td>${esc(measurementLabel(k))}</td><td class="n">${v.toFixed(2)}</td></tr>`)
        .join('')}</table>`
    : '';
  const warnings = [...r.importWarnings.map((w) => ['import', w] as const), ...r.exportWarnings.map((w) => ['export', w] as const)];
  const warnHtml = warnings.length
    ? `<h2>Warnings</h2><ul>${warnings.map(([src, w]) => `<li><b>${esc(src)} ${esc(w.code)}</b>: ${esc(w.message)}</li>`).join('')}</ul>`
    : '';
  const figures = r.images.map((i) => `<figure><img src="${esc(i.file)}" alt="${esc(i.title)}"><figcaption>${esc(i.title)}</figcaption></figure>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CardioSeg report</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#111}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;padding:.25em .6em}td.n{text-align:right;font-variant-numeric:tabular-nums}
.figs{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0;break-inside:avoid}figure img{max-width:300px;height:auto;display:block;background:#000}
figcaption{font-size:.85em}@media print{body{margin:1cm}.figs{gap:.5em}figure img{max-width:5.5cm}}
</style></head><body>
<h1>CardioSeg segmentation report</h1>
<p>Generated ${esc(r.generatedAt)} by CardioSeg ${esc(r.app.version)}${r.model ? `, model <b>${esc(r.model.id)}</b>${r.model.validationDice !== undefined ? ` (validation Dice ${r.model.validationDice.toFixed(3)})` : ''}` : ''}.</p>
<p>Series: ${esc(r.source.seriesDescription ?? '–')} · study date ${esc(r.source.studyDate ?? '–')} · grid ${esc(r.source.dims.join('×'))} at ${esc(r.source.spacingMm.map((s) => s.toFixed(3)).join(' × '))} mm</p>
<p><i>Automatic segmentation for planning support; verify before clinical use.</i></p>
<h2>Structures</h2>
<table><tr><th>Structure</th><th>Voxels</th><th>Volume (mL)</th><th>Mean HU</th><th>Model Dice</th></tr>
${structRows}
</table>
${mitral}
${warnHtml}
<h2>Images</h2><div class="figs">
${figures}
</div></body></html>
`;
}

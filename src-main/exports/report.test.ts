import { describe, expect, it } from 'vitest';
import { CSV_HEADER, reportCsv, reportHtml, type ReportData } from './report.js';

const data: ReportData = {
  app: { name: 'CardioSeg', version: '0.1.0' },
  generatedAt: '2026-12-04T00:00:00Z',
  source: { ctPath: 'x', labelsPath: 'y', seriesDescription: '<script>alert(1)</script>', studyDate: '20260101', seriesInstanceUid: '1.2', dims: [2, 2, 2], spacingMm: [1, 1, 1] },
  model: { id: '=HYPERLINK("http://x")', validationDice: 0.9 },
  structures: [{ id: 3, key: 'left_ventricle', name: 'Left ventricle', voxelCount: 10, volumeMl: 0.01, meanHu: -12.345, centroidIjk: [0, 0, 0], centroidLps: [0, 0, 0] }],
  mitral: { measurements: { areaMm2: 500.1234, perimeterMm: 80, angleToLvLongAxisDeg: 12 }, centerLps: [0, 0, 0], sizeMm: [1, 1, 1] },
  importWarnings: [{ code: 'IMPORT_X', message: 'a, "quoted"\nline' }],
  exportWarnings: [],
  images: [{ file: 'images/a.png', title: 'A "pic"', plane: 'axial', structure: 'left_ventricle' }],
};

describe('report', () => {
  it('CSV: one table, quoted, no formula injection, units from key names', () => {
    const csv = reportCsv(data);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(CSV_HEADER.join(','));
    expect(lines[1]).toBe('structure,left_ventricle,Left ventricle,10,0.01,-12.3,,dice');
    expect(csv).toContain('mitral,areaMm2,areaMm2,,,,500.123,mm2');
    expect(csv).toContain('mitral,angleToLvLongAxisDeg,angleToLvLongAxisDeg,,,,12,deg');
    expect(csv).toContain(`model,id,"'=HYPERLINK(""http://x"")",,,,,version`);
    expect(csv).toContain('import_warning,IMPORT_X,"a, ""quoted""\nline",,,,,');
  });
  it('HTML escapes DICOM text', () => {
    const html = reportHtml(data);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<img src="images/a.png" alt="A &quot;pic&quot;">');
  });
});

import { describe, expect, it } from 'vitest';
import { importDicom, scanDicom } from '../../src-main/dicom/index.js';
import { dataPath, hasShared } from '../helpers/paths.js';

describe.skipIf(!hasShared)('dcm_qa_ct', () => {
  it('GE: reports the 18.5° gantry tilt and the uneven spacing 4.22 / 1.14 / 7.38 mm', async () => {
    const folder = dataPath('dicom', 'dcm_qa_ct', 'In', 'GE');
    const kept = await importDicom(folder, { equalizeSpacing: false });
    const tilt = kept.warnings.find((w) => w.code === 'GANTRY_TILT');
    expect(tilt?.message).toContain('18.5°');
    expect((tilt?.details as { tiltDeg: number }).tiltDeg).toBeCloseTo(18.5, 1);
    const uneven = kept.warnings.find((w) => w.code === 'UNEVEN_SPACING');
    expect(uneven?.message).toMatch(/4\.22 mm ×13, 1\.14 mm ×1, 7\.38 mm ×13/);
    expect(kept.warnings.find((w) => w.code === 'MISPLACED_SLICES')?.message).toMatch(/misplaced by up to 22\.\d+ mm/);
    expect(kept.volume.dims).toEqual([512, 512, 28]);
    expect(kept.volume.metadata.gantryTiltDeg).toBeCloseTo(18.5, 1);
    // The true slice offsets keep the uneven steps (along the tilted k axis).
    const off = kept.volume.metadata.sliceOffsetsMm ?? [];
    expect(off).toHaveLength(28);
    expect(off[1]! - off[0]!).toBeCloseTo(4.22, 2);
    expect(off[14]! - off[13]!).toBeCloseTo(1.14, 2);
    expect(off[27]! - off[26]!).toBeCloseTo(7.38, 2);

    // Default: resampled onto equal 4.22 mm steps so every slice is in place; ends kept bit for bit.
    const eq = await importDicom(folder);
    expect(eq.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['GANTRY_TILT', 'UNEVEN_SPACING', 'EQUALIZED']));
    const span = off[27]! - off[0]!;
    expect(eq.volume.dims[2]).toBe(Math.round(span / 4.22) + 1);
    expect(eq.volume.spacingMm[2] * (eq.volume.dims[2] - 1)).toBeCloseTo(span, 3);
    expect(eq.volume.originLps).toEqual(kept.volume.originLps);
    expect(eq.volume.direction).toEqual(kept.volume.direction);
    const plane = 512 * 512;
    const n = eq.volume.dims[2];
    expect(Buffer.compare(Buffer.from(eq.volume.data.buffer, 0, plane * 2), Buffer.from(kept.volume.data.buffer, 0, plane * 2))).toBe(0);
    expect(Buffer.compare(Buffer.from(eq.volume.data.buffer, (n - 1) * plane * 2, plane * 2), Buffer.from(kept.volume.data.buffer, 27 * plane * 2, plane * 2))).toBe(0);
    // Slice 5 of the new grid lies within 0.01 mm of original slice 5: nearly the same values.
    let sum = 0;
    for (let i = 0; i < plane; i++) sum += Math.abs((eq.volume.data[5 * plane + i] as number) - (kept.volume.data[5 * plane + i] as number));
    expect(sum / plane).toBeLessThan(1);
    expect(eq.volume.metadata.sourceFiles[5]).toBe(kept.volume.metadata.sourceFiles[5]);
    expect(eq.volume.metadata.SOPInstanceUIDs).toHaveLength(n);
    expect(eq.volume.metadata.equalizedFromSlices).toBe(28);
  });

  it('Philips: the 28-slice axial series is the main CT; localizer and secondary captures are listed, not chosen', async () => {
    const folder = dataPath('dicom', 'dcm_qa_ct', 'In', 'Philips');
    const scan = await scanDicom(folder);
    const main = scan.result.series.find((s) => s.id === scan.result.mainId);
    expect(main?.sliceCount).toBe(28);
    expect(main?.orientation).toBe('axial');
    expect(main?.description).toBe('STD BRAIN 5MM');
    const kinds = scan.result.series.map((s) => s.kind);
    expect(kinds).toContain('localizer');
    expect(kinds).toContain('secondary-capture');
    for (const s of scan.result.series.filter((x) => x.kind !== 'image')) expect(s.volumeCandidate).toBe(false);
    // 28 axial + 1 localizer + 6 secondary captures; DICOMDIR/DIRFILEs are recognised, not images.
    expect(scan.result.dicomFiles).toBe(35);
    expect(scan.result.usedDicomdir).toBe(true);
    // This copy lacks the second study's directory file the DICOMDIR lists: named, not fatal.
    const missing = scan.result.warnings.filter((w) => w.code === 'DICOMDIR_MISSING_FILES');
    expect(missing.map((w) => w.message).join('\n')).toContain('S21610/DIRFILE');

    const r = await importDicom(folder);
    expect(r.chosen.id).toBe(main?.id);
    expect(r.volume.dims).toEqual([512, 512, 28]);
    expect(r.volume.spacingMm[2]).toBeCloseTo(5, 3);
    expect(r.warnings.some((w) => w.code === 'UNEVEN_SPACING' || w.code === 'GANTRY_TILT')).toBe(false);
    // Another stack can still be chosen explicitly, and a non-volume one is refused clearly.
    expect((await importDicom(folder, { seriesUid: '201' })).chosen.id).toBe(main?.id); // by SeriesNumber
    const loc = scan.result.series.find((s) => s.kind === 'localizer');
    await expect(importDicom(folder, { seriesUid: loc!.id })).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });
});

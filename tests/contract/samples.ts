import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Contract } from '../../src-shared/contract/index.js';
import type { InputOf, OutputOf } from '../../src-shared/rpc/define.js';
import { smallValveStudy } from '../../src-main/geometry/analytic-phantom.js';
import { SHARED_MODELS } from '../helpers/paths.js';

export interface Sample<M> {
  /** A valid input that exercises the real service (may prepare fixtures). */
  input: () => InputOf<M> | Promise<InputOf<M>>;
  /** Assertions on the output; throw to fail. */
  check?: (out: OutputOf<M>) => void;
  /** Seconds the call may take (default 60). */
  timeoutS?: number;
}

/**
 * One sample call per contract method. The mapped type makes a method without a sample a type
 * error, so the contract test (memory pair + WebSocket) always covers the whole contract.
 */
export type Samples = { [S in keyof Contract]: { [M in keyof Contract[S]['methods']]: Sample<Contract[S]['methods'][M]> } };

function expect(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`sample check failed: ${what}`);
}

/** The host samples write the recent-studies file: keep it out of the user's real config dir. */
function isolateHostConfig(): void {
  process.env.CARDIOSEG_CONFIG_DIR ??= path.join(os.tmpdir(), `cardioseg-contract-config-${process.pid}`);
}

export const samples: Samples = {
  phantom: {
    generate: {
      // A coarse grid keeps the sample quick; the full pipeline (generator, DICOM writer, NIfTI, truth.json) still runs.
      input: () => ({ seed: 3, preset: 'small', dims: [40, 40, 32], spacingMm: [4, 4, 4.5], out: path.join(os.tmpdir(), `cardioseg-contract-phantom-${process.pid}`), syntax: 'rle' }),
      check: (o) => expect(o.dicomFiles === 32 && o.truth.structures.length === 8 && o.truth.annulus.majorDiameterMm > 20 && o.labelsPath.endsWith('labels.nii.gz'), 'phantom.generate writes series, labels and truth'),
    },
  },
  segmentation: {
    run: {
      // A tiny random-weight model folder and an in-memory volume: the whole pipeline (ONNX export + cache, onnxruntime, 3D post-processing, NIfTI output).
      input: async () => {
        const dir = path.join(os.tmpdir(), 'cardioseg-sample-seg'); // deterministic content: reused across runs
        const { writeTinyModelDir } = await import('../../src-main/ml/infer/tiny-model.js');
        await writeTinyModelDir(path.join(dir, 'model'));
        const data = Int16Array.from({ length: 40 * 36 * 4 }, (_, n) => ((n % 40) - 20) ** 2 + (((n / 40) | 0) % 36 - 18) ** 2 < 100 ? 300 : -800);
        return { input: { volume: { dims: [40, 36, 4], spacingMm: [0.8, 0.8, 2], originLps: [1, 2, 3], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], data } }, modelDir: path.join(dir, 'model'), outDir: path.join(dir, 'out') };
      },
      check: (o) => expect(o.labels.dims.join() === '40,36,4' && o.labels.data.length === 40 * 36 * 4 && o.confidence.data.length === 40 * 36 * 4 && !!o.files?.labels.endsWith('labels.nii.gz') && o.perClass.length === 9, 'segmentation.run labels on the input grid'),
    },
  },
  roi: {
    detect: {
      input: () => ({ labels: smallValveStudy().labels, marginMm: 8 }),
      check: (o) => expect(Math.abs(o.annulus.maxDiameterMm - 26) < 1.5 && o.annulus.septalLateralMm !== null && o.box.sizeMm[0] > 26, 'roi.detect finds the 26 mm annulus'),
    },
    extract: {
      input: () => {
        const s = smallValveStudy();
        return { ct: s.ct, labels: s.labels, box: { centreLps: [0, 0, 0], axes: [1, 0, 0, 0, 1, 0, 0, 0, 1], sizeMm: [30, 30, 20], spacingMm: [1, 1, 1] } };
      },
      check: (o) => expect(o.geometry.dims[0] === 30 && o.ct?.data.length === 30 * 30 * 20 && o.labels?.data[15 + 30 * (15 + 30 * 10)] === 3, 'roi.extract returns both ROI volumes'),
    },
    save: {
      input: () => ({
        studyDir: path.join(os.tmpdir(), `cardioseg-contract-roi-${process.pid}`),
        roi: { box: { centreLps: [1, 2, 3], axes: [1, 0, 0, 0, 1, 0, 0, 0, 1], sizeMm: [40, 40, 30], spacingMm: [0.5, 0.5, 0.5] }, detectedBox: null, annulus: null, source: {} },
      }),
      check: (o) => expect(o.path.endsWith('mitral-roi.json') && o.record.version === 1, 'roi.save writes the record'),
    },
    load: {
      input: () => ({ studyDir: path.join(os.tmpdir(), `cardioseg-contract-roi-none-${process.pid}`) }),
      check: (o) => expect(o.record === null, 'roi.load of a study without ROI gives null'),
    },
  },
  training: {
    start: {
      input: () => ({
        datasets: [{ kind: 'synthetic' as const, patients: 2, size: 16, slices: 2, seed: 1 }],
        outDir: path.join(os.tmpdir(), `cardioseg-contract-train-${process.pid}-${Date.now()}`),
        epochs: 1,
        batchSize: 2,
        architecture: { inputSize: [16, 16] as [number, number], baseFilters: 2, depth: 1 },
      }),
      check: (o) => {
        rmSync(o.modelDir, { recursive: true, force: true });
        expect(o.epochsRun === 1 && o.validationPatients.length === 1 && o.validation.dice.length === 9, 'training.start runs one epoch');
      },
      timeoutS: 90,
    },
    status: { input: () => ({}), check: (o) => expect(Array.isArray(o.runs), 'training.status lists runs') },
    cancel: { input: () => ({ runId: 'no-such-run' }), check: (o) => expect(o.cancelled === false, 'cancel of an unknown run is a no-op') },
  },
  system: {
    info: {
      input: () => ({}),
      check: (o) => expect(o.app === 'CardioSeg' && ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'].includes(o.tfBackend), 'system.info shape'),
    },
  },
  host: {
    pickFolder: { input: () => ({ title: 'Open study' }), check: (o) => expect(o.supported === false && o.path === null, 'no native dialog outside Electron') },
    openFolder: { input: () => ({ path: '.' }), check: (o) => expect(o.supported === false && !o.opened, 'no file manager outside Electron') },
    workDir: { input: () => (isolateHostConfig(), { study: '/tmp/cardioseg-sample-study' }), check: (o) => expect(o.path.includes('work'), 'work dir under the config dir') },
    modelSummary: { input: () => ({ dir: '/nonexistent/model' }), check: (o) => expect(o.found === false && o.dice.length === 0, 'no training result there') },
    listRecent: { input: () => (isolateHostConfig(), {}), check: (o) => expect(Array.isArray(o.studies), 'recent list') },
    addRecent: {
      input: () => (isolateHostConfig(), { path: '/tmp/cardioseg-sample-study', description: 'sample' }),
      check: (o) => expect(o.studies[0]?.path === '/tmp/cardioseg-sample-study' && o.studies[0].openedAt.length > 0, 'added study is first'),
    },
    clearRecent: { input: () => (isolateHostConfig(), {}), check: (o) => expect(o.studies.length === 0, 'cleared') },
    getDefaultModel: {
      input: () => (isolateHostConfig(), {}),
      check: (o) => expect(o.bundled?.id === 'cardioseg-default' && o.current !== null && o.warnings.length === 0, 'the bundled model is known and something is the default'),
    },
    setDefaultModel: {
      // A real (tiny, random-weight) model folder, so the service's full load check runs.
      input: async () => {
        isolateHostConfig();
        const { writeTinyModelDir } = await import('../../src-main/ml/infer/tiny-model.js');
        return { dir: await writeTinyModelDir(path.join(os.tmpdir(), `cardioseg-contract-adopt-${process.pid}`)) };
      },
      check: (o) => expect(o.current?.source === 'adopted' && o.adopted === o.current.path && o.adopted.endsWith(`cardioseg-contract-adopt-${process.pid}`), 'the adopted folder is the default'),
    },
    getPreferences: { input: () => (isolateHostConfig(), {}), check: (o) => expect(o.stowUrl === null || o.stowUrl.startsWith('http'), 'preferences read') },
    setPreferences: {
      input: () => (isolateHostConfig(), { stowUrl: 'http://127.0.0.1:8042/dicom-web/studies' }),
      check: (o) => expect(o.stowUrl === 'http://127.0.0.1:8042/dicom-web/studies', 'STOW-RS endpoint remembered'),
    },
  },
  exports: {
    run: {
      input: async () => {
        const { writePhantomNifti } = await import('../integration/exports/fixture.js');
        const dir = path.join(os.tmpdir(), `cardioseg-contract-exports-${process.pid}`);
        const f = await writePhantomNifti(dir);
        return { ctPath: f.ctPath, labelsPath: f.labelsPath, formats: ['nifti', 'stl', 'obj', 'report'], outDir: path.join(dir, 'out'), overwrite: true };
      },
      check: (o) => expect(o.files.some((f) => f.format === 'stl' && f.bytes > 84) && o.files.some((f) => f.path.endsWith('report.html')), 'exports written'),
    },
    stow: { input: () => ({ path: 'package.json', url: 'http://127.0.0.1:1/dicom-web/studies' }) },
  },
  dicom: {
    scanFolder: {
      input: async () => ({ path: (await import('../helpers/paths.js')).dataPath('dicom', 'dcm_qa_ct', 'In', 'Philips') }),
      check: (o) => expect(o.series.find((s) => s.id === o.mainId)?.sliceCount === 28, 'Philips main CT has 28 slices'),
    },
    loadSeries: {
      input: async () => ({ path: (await import('../helpers/paths.js')).dataPath('dicom', 'dcmqi', 'data', 'segmentations', 'ct-3slice') }),
      check: (o) => expect(o.volume.dims[2] === 3 && o.volume.data instanceof Int16Array && o.volume.data.length === 512 * 512 * 3, 'ct-3slice volume'),
    },
    loadVolume: {
      input: async () => ({ path: (await import('../helpers/paths.js')).dataPath('dicom', 'siemens-abdomen-j2k', 'example_seg_dicom.nii.gz') }),
      check: (o) => expect(o.format === 'nifti' && o.volume.dims.join() === '512,512,20', 'NIfTI label map loads'),
    },
    thumbnail: {
      input: async () => {
        const root = (await import('../helpers/paths.js')).dataPath('dicom', 'dcm_qa_ct', 'In', 'Philips');
        const scan = (await import('../../src-main/dicom/index.js')).scanDicom;
        return { path: root, seriesId: (await scan(root)).result.mainId ?? 'none', size: 64 };
      },
      check: (o) => expect(o.png instanceof Uint8Array && o.png[1] === 0x50 && o.width === 64 && o.height === 64 && o.sliceIndex === 14, 'Philips main CT thumbnail is a 64x64 PNG of slice 14'),
    },
    inspectPngDataset: {
      input: async () => ({ path: (await import('../helpers/paths.js')).dataPath('png', 'chd-imagechd'), maxSlices: 2 }),
      check: (o) => expect(o.sliceCount === 2 && o.patients.length >= 1 && o.width === 512, 'PNG dataset inspected'),
    },
  },
  transfer: {
    inspect: {
      input: () => ({ path: path.join(SHARED_MODELS, 'brainchop', 'model5_gw_ae') }),
      check: (o) => expect(o.kind === 'tfjs' && o.cut === '38' && o.layers.length === 20, 'transfer.inspect proposes the MeshNet cut'),
    },
    train: {
      input: () => ({
        from: path.join(SHARED_MODELS, 'brainchop', 'model5_gw_ae'),
        datasets: [{ kind: 'synthetic' as const, patients: 2, size: 16, slices: 2, seed: 3 }],
        outDir: path.join(os.tmpdir(), `cardioseg-contract-transfer-${process.pid}`),
        inputSize: [16, 16] as [number, number],
        schedule: { epochs: 1 },
        batchSize: 2,
      }),
      check: (o) => expect(o.derived2d && o.stages.length === 1 && o.validation !== null && o.dilated.length === 0 && o.encoderBlocks === 9, 'transfer.train runs one frozen stage on the space-to-batch MeshNet'),
      timeoutS: 120,
    },
  },
  diagnostics: {
    echo: {
      input: () => ({ text: 'héllo', bytes: new Uint8Array([1, 2, 3]), floats: new Float32Array([0.5, -1]) }),
      check: (o) => expect(o.text === 'héllo' && o.bytes?.[2] === 3 && o.floats?.[1] === -1, 'echo returns its input'),
    },
    wait: { input: () => ({ steps: 2, stepMs: 1 }), check: (o) => expect(o.completedSteps === 2, 'wait completes') },
    fail: { input: () => ({ code: 'DATA', message: 'expected' }) },
    emitTicks: { input: () => ({ count: 3 }), check: (o) => expect(o.emitted === 3, 'ticks emitted') },
  },
};

/** Methods whose sample is expected to reject (with this code). */
export const expectedErrors: Partial<Record<string, string>> = {
  'exports.stow': 'IO',
  'diagnostics.fail': 'DATA',
};

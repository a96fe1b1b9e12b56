/**
 * Keras 2 HDF5 (.h5) models read in Node with h5wasm: the `model_config` JSON attribute and the
 * weights under `model_weights/<layer>/` in the order of each layer's `weight_names`. A weights-only
 * file (save_weights) has `layer_names` on the root instead and no config.
 */
import { AppError } from '../../../src-shared/errors.js';

export interface H5Weight {
  /** As stored, e.g. `conv2d/kernel:0` (Keras 2) or `kernel` (Keras 3 legacy h5). */
  name: string;
  shape: number[];
  data: Float32Array;
}
export interface KerasH5 {
  modelConfig: unknown | null;
  kerasVersion: string | null;
  backend: string | null;
  /** Per layer name, its weights in stored order. */
  weights: Map<string, H5Weight[]>;
}

type H5 = typeof import('h5wasm');
type H5Group = InstanceType<H5['Group']>;

function attrString(node: { attrs: Record<string, { value: unknown }> }, key: string): string | null {
  const a = node.attrs[key];
  if (!a) return null;
  const v = a.value;
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return null;
}

function attrStrings(node: { attrs: Record<string, { value: unknown }> }, key: string): string[] {
  const a = node.attrs[key];
  if (!a) return [];
  const v = a.value;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.map((x) => (x instanceof Uint8Array ? new TextDecoder().decode(x) : String(x)));
  return [];
}

function toFloat32(v: unknown, where: string): Float32Array {
  if (v instanceof Float32Array) return v;
  if (v instanceof Float64Array || v instanceof Int32Array || v instanceof Uint8Array || v instanceof Int16Array) return Float32Array.from(v);
  if (typeof v === 'number') return Float32Array.of(v);
  throw new AppError('MODEL', `Weight ${where} is not a numeric array`);
}

export async function readKerasH5(file: string): Promise<KerasH5> {
  const mod = (await import('h5wasm/node')) as unknown as H5 & { default?: H5 };
  const h5 = mod.File ? mod : (mod.default as H5);
  await h5.ready;
  let f: InstanceType<H5['File']>;
  try {
    f = new h5.File(file, 'r');
  } catch (e) {
    throw new AppError('IO', `Cannot open ${file} as HDF5`, { cause: (e as Error).message });
  }
  try {
    const configText = attrString(f, 'model_config');
    let modelConfig: unknown = null;
    if (configText) {
      try {
        modelConfig = JSON.parse(configText);
      } catch {
        throw new AppError('MODEL', `${file}: model_config is not JSON`);
      }
    }
    const root = f.get('model_weights');
    const wroot: H5Group = root instanceof h5.Group ? root : f;
    const layerNames = attrStrings(wroot, 'layer_names');
    if (!layerNames.length && !modelConfig) throw new AppError('MODEL', `${file} holds neither a Keras model_config nor layer_names: not a Keras HDF5 model`);
    const weights = new Map<string, H5Weight[]>();
    for (const ln of layerNames) {
      const g = wroot.get(ln);
      if (!(g instanceof h5.Group)) continue;
      const list: H5Weight[] = [];
      for (const wn of attrStrings(g, 'weight_names')) {
        const ds = g.get(wn);
        if (!(ds instanceof h5.Dataset)) throw new AppError('MODEL', `${file}: weight ${ln}/${wn} is listed but missing`);
        list.push({ name: wn, shape: ds.shape ?? [], data: toFloat32(ds.value, `${ln}/${wn}`) });
      }
      weights.set(ln, list);
    }
    return { modelConfig, kerasVersion: attrString(f, 'keras_version'), backend: attrString(f, 'backend'), weights };
  } finally {
    f.close();
  }
}

/** `conv2d/kernel:0` and `kernel` both give `kernel`. */
export function weightKey(name: string): string {
  const base = name.replace(/:\d+$/, '');
  const parts = base.split('/');
  return parts[parts.length - 1] ?? base;
}

import path from 'node:path';
import type { Contract } from '../../src-shared/contract/index.js';
import type { ServiceImpl } from '../../src-shared/rpc/define.js';
import { generatePhantomAsync } from '../phantom/generate.js';
import { writePhantomFolder } from '../phantom/output.js';

export function createPhantomService(): ServiceImpl<Contract['phantom']> {
  return {
    async generate(input, { signal, progress }) {
      const t0 = performance.now();
      const result = await generatePhantomAsync(
        { seed: input.seed, preset: input.preset, dims: input.dims, spacingMm: input.spacingMm, direction: input.direction, noiseSigma: input.noiseSigma },
        { signal, onProgress: progress },
      );
      const t1 = performance.now();
      const files = await writePhantomFolder(path.resolve(input.out), result, { syntax: input.syntax, ctNifti: input.ctNifti, signal, onProgress: progress });
      const t2 = performance.now();
      const { truth, ...rest } = files;
      return { name: truth.name, ...rest, truth, timingsMs: { generate: Math.round(t1 - t0), write: Math.round(t2 - t1) } };
    },
  };
}

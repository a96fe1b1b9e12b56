import type { Contract } from '../../src-shared/contract/index.js';
import type { ServiceImpl } from '../../src-shared/rpc/define.js';
import { resolveModelDir, runSegmentation } from '../ml/infer/pipeline.js';
import { runSegmentationInWorker } from '../ml/infer/worker-host.js';

/**
 * U-Net inference on a CT (src-main/ml/infer/README.md). Runs in a worker thread so the main
 * event loop stays responsive; CARDIOSEG_INFER_INLINE=1 runs it in-process (debugging).
 */
export function createSegmentationService(): ServiceImpl<Contract['segmentation']> {
  return {
    async run(input, ctx) {
      // Resolved here so a missing model fails at once, before a worker starts; the worker gets
      // the folder itself, so a fallback's warning is added here, once.
      const { dir: modelDir, warnings } = await resolveModelDir(input.modelDir);
      const run = process.env.CARDIOSEG_INFER_INLINE === '1' ? runSegmentation : runSegmentationInWorker;
      const out = await run({ ...input, modelDir }, { signal: ctx.signal, progress: ctx.progress });
      return warnings.length ? { ...out, warnings: [...warnings, ...out.warnings] } : out;
    },
  };
}

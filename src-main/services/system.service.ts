import os from 'node:os';
import type { Contract } from '../../src-shared/contract/index.js';
import type { ServiceImpl } from '../../src-shared/rpc/define.js';
import { detectInferenceEngine, initTf } from '../ml/backend.js';
import { APP_VERSION } from '../version.js';
import { findDefaultModel } from '../ml/default-model.js';

export function createSystemService(): ServiceImpl<Contract['system']> {
  return {
    async info() {
      const [tf, engine, model] = await Promise.all([initTf(), detectInferenceEngine(), findDefaultModel()]);
      return {
        app: 'CardioSeg' as const,
        version: APP_VERSION,
        runtime: {
          node: process.versions.node,
          electron: process.versions.electron ?? null,
          platform: process.platform,
          arch: process.arch,
          cpus: os.availableParallelism(),
        },
        tfBackend: tf.name,
        tfBackendsTried: tf.attempts,
        inferenceEngine: engine.name,
        ...(engine.error ? { inferenceEngineError: engine.error } : {}),
        defaultModel: model,
      };
    },
  };
}

import type { SystemInfo } from '../../../src-shared/contract/system.contract.js';
import type { Command } from '../command.js';

export const infoCommand: Command = {
  name: 'info',
  summary: 'Version, TensorFlow.js backend and inference engine',
  usage: 'cardioseg info [--json]',
  async run({ client }) {
    return client.system.info({});
  },
  format(r) {
    const i = r as SystemInfo;
    return [
      `CardioSeg ${i.version} (node ${i.runtime.node}, ${i.runtime.platform}/${i.runtime.arch}, ${i.runtime.cpus} cpus)`,
      `TensorFlow.js backend: ${i.tfBackend}  (tried: ${i.tfBackendsTried.map((a) => `${a.name}${a.ok ? ' ok' : ' failed'}`).join(', ')})`,
      `Inference engine: ${i.inferenceEngine}${i.inferenceEngineError ? ` (${i.inferenceEngineError})` : ''}`,
      `Default model: ${i.defaultModel ? `${i.defaultModel.id} at ${i.defaultModel.path} (${i.defaultModel.source})` : 'none adopted or bundled'}`,
    ].join('\n');
  },
};

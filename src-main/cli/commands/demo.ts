import path from 'node:path';
import { formatDemo, runDemo, type DemoSummary } from '../../demo/run-demo.js';
import type { Command } from '../command.js';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'The whole job on the bundled phantom case: import, segment, mitral ROI, exports, summary',
  usage: 'cardioseg demo --out DIR [--model DIR] [--json]',
  options: { out: { type: 'string' }, model: { type: 'string' } },
  async run(ctx) {
    const out = path.resolve(typeof ctx.values.out === 'string' ? ctx.values.out : 'demo-output');
    const model = typeof ctx.values.model === 'string' ? path.resolve(ctx.values.model) : undefined;
    return runDemo(ctx.client, out, { modelDir: model, signal: ctx.signal, onProgress: ctx.progress, log: ctx.log });
  },
  format: (r) => formatDemo(r as DemoSummary),
};

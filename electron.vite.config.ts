import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import path from 'node:path';

const r = (p: string) => path.resolve(import.meta.dirname, p);

// electron-vite only auto-discovers src/{main,preload,renderer}; our layers live elsewhere.
export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: r('out/main'),
      rollupOptions: {
        // Worker entries are bundled beside index.js under the names src-main/util/worker.ts expects.
        input: {
          index: r('src-main/electron/main.ts'),
          'train-worker': r('src-main/ml/train/worker-entry.ts'),
          'infer-worker': r('src-main/ml/infer/worker-entry.ts'),
          'transfer-worker': r('src-main/ml/transfer/worker-entry.ts'),
          'decode-worker': r('src-main/dicom/decode-worker.ts'),
        },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: r('out/preload'),
      rollupOptions: { input: { index: r('src-preload/index.ts') }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: r('src-renderer'),
    plugins: [svelte({ configFile: r('svelte.config.js') })],
    build: { outDir: r('out/renderer'), rollupOptions: { input: { index: r('src-renderer/index.html') } } },
  },
});

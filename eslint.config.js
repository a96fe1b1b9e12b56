import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const envSpecific = ['electron', 'ws', 'sharp', '@tensorflow/*', '@kitware/*', 'onnxruntime-node', 'dicom-parser', 'dcmjs', 'h5wasm', 'tsx', 'svelte', 'svelte/*'];

/** The layer rules (vscode-style): who may import whom. */
const restrict = (patterns, message) => ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', '.cache/**', 'test-output/**', 'demo-output/**', 'resources/**'] },
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-throw-literal': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] }, globals: { ...globals.browser } },
  },
  {
    files: ['src-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [...nodeBuiltins, ...envSpecific, '**/src-main/**', '**/src-renderer/**', '**/src-preload/**', '../src-main/*', '../../src-main/*'],
        'src-shared is pure TypeScript: no Node, Electron, DOM libraries or other layers.',
      ),
    },
  },
  {
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': restrict(['electron', '**/src-renderer/**', '**/src-preload/**'], 'electron only in src-main/electron/ (app entry + IPC transport); main never imports the renderer.'),
    },
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.svelte'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrict(
        [...nodeBuiltins, 'electron', 'ws', 'sharp', 'onnxruntime-node', '@tensorflow/tfjs-node*', '**/src-main/**', '**/src-preload/**'],
        'The renderer talks to main only through the typed client; no Node or main-process modules.',
      ),
    },
  },
  {
    files: ['src-preload/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([...nodeBuiltins, '**/src-main/**', '**/src-renderer/**', '**/src-shared/**'], 'The preload is a pipe: electron only.'),
    },
  },
);

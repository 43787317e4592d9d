// Lint rules: typescript-eslint recommended, no `any` in code, and the layers of DESIGN.md enforced: only
// src/extension may import `vscode`, and no layer imports one it must not depend on (test/unit/layers.test.ts
// proves each direction is rejected).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A relative import that reaches the given top-level layer (`../../extension/x`, `../src/engine/y`). */
const layerImport = (layer) => `^(\\.\\./)+(src/)?${layer}(/|$)`;

/** Which layers each layer must not import (DESIGN.md: one direction of dependency). */
export const FORBIDDEN_LAYER_IMPORTS = {
  'src/engine': ['extension', 'cli', 'webview'],
  'src/cli': ['extension', 'webview'],
  'src/protocol': ['engine', 'extension', 'cli', 'webview'],
  webview: ['engine', 'extension', 'cli'],
};

function layerRules() {
  return Object.entries(FORBIDDEN_LAYER_IMPORTS).map(([dir, layers]) => ({
    files: [`${dir}/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'Only src/extension may import vscode (DESIGN.md layers).' }],
          patterns: layers.map((layer) => ({
            regex: layerImport(layer),
            message: `${dir} must not import ${layer === 'webview' ? layer : `src/${layer}`} (DESIGN.md layers).`,
          })),
        },
      ],
    },
  }));
}

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', 'out/**', '.bench/**', '.e2e/**', '.test-tmp/**', 'media/**', 'scratch/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        performance: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        URL: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        globalThis: 'readonly',
        window: 'readonly',
        document: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  ...layerRules(),
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: ['@gitseal/*/dist/*', '@gitseal/*/src/*'] }],
      complexity: ['warn', 20],
    },
  },
  {
    // The CLI's bin is CommonJS (packages/cli/bin/package.json): it runs the bundle with a V8 code cache.
    files: ['packages/cli/bin/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The crypto package is pure: no file system, network, processes or Kubernetes.
    files: ['packages/crypto/src/**/*.ts'],
    ignores: ['packages/crypto/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'fs',
            'node:fs',
            'fs/promises',
            'node:fs/promises',
            'net',
            'node:net',
            'http',
            'node:http',
            'https',
            'node:https',
            'child_process',
            'node:child_process',
            '@kubernetes/client-node',
          ],
          patterns: ['@gitseal/*'],
        },
      ],
    },
  },
  {
    // The web UI is bundled for the browser: from the workspace packages it may import types only (their code is
    // Node's) and the browser-safe WebCrypto sealing, and it talks to nothing but gitseal ui's own server.
    files: ['packages/ui/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@gitseal/(?!crypto/web$)',
              allowTypeImports: true,
              message: 'the UI imports only types from packages (and the browser-safe @gitseal/crypto/web)',
            },
          ],
        },
      ],
    },
  },
);

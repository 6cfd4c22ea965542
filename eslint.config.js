import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'tools/**', 'bench/**', 'coverage/**', '**/*.d.ts'] },
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
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        fetch: 'readonly',
        structuredClone: 'readonly',
        performance: 'readonly',
        queueMicrotask: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Action and package logic goes through the platform ports, never the process.
    files: ['packages/*/src/**/*.ts', 'actions/*/src/**/*.ts'],
    ignores: [
      'packages/core/src/adapters/**',
      'packages/local-cloud/**',
      'packages/action-host/**',
      'packages/bicep/**',
      'actions/*/src/github.ts',
      'actions/*/src/ado.ts',
      'actions/*/src/github-post.ts',
      'actions/*/src/ado-post.ts',
      '**/src/cli.ts',
      '**/src/cli/**',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through the Platform ports.' },
        { object: 'process', property: 'stdout', message: 'Write through the Platform logger.' },
        { object: 'process', property: 'exit', message: 'Only setFailed decides the exit code.' },
      ],
      'no-console': 'error',
    },
  },
);

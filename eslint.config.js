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
      // Entry shells: they build the platform and may hand the runner's environment to it.
      'actions/*/src/github.ts',
      'actions/*/src/ado.ts',
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
  {
    // The bundles' stand-ins require a package on first use on purpose: the bundler makes that call load it then.
    files: ['scripts/bundle-stubs/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

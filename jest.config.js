/** Jest runs every workspace's TypeScript tests as ESM, transpiled by swc (type checking is `npm run typecheck`). */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' } },
];

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/{packages,actions}/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // A bundle may carry a dependency's package.json (azure-devops-node-api reads its own for its user agent); the
  // bundles are run as child processes, never imported, so jest's module map leaves them out.
  modulePathIgnorePatterns: ['<rootDir>/actions/[^/]+/dist/'],
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/test/reporters/closing-line.js'],
  maxWorkers: 2,
};

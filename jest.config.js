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
  // Bundles copy some packages' package.json beside them (azure-devops-node-api reads its own); jest must not
  // take a bundle folder for that package.
  modulePathIgnorePatterns: ['<rootDir>/actions/[^/]+/dist/'],
  testTimeout: 120000,
  reporters: ['default', '<rootDir>/test/reporters/closing-line.js'],
  maxWorkers: 2,
};

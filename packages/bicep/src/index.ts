export * from './cli.js';
export * from './compile.js';
export * from './oracle.js';
export * from './file-references.js';

#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, as every command-line tool of this repository does.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');

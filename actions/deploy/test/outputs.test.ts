import { describe, expect, it } from '@jest/globals';
import { outputsTable } from '../src/outputs.js';

describe('outputsTable', () => {
  it('escapes a pipe once (no stray backslash) and shows secret outputs redacted', () => {
    const table = outputsTable([
      { name: 'rule', value: 'a|b', secret: false },
      { name: 'key', value: 'hidden', secret: true },
    ]);
    expect(table).toContain('| rule | a\\|b |');
    expect(table).not.toContain('\\\\|');
    expect(table).toContain('| key | (redacted) |');
    expect(table).not.toContain('hidden');
  });
});

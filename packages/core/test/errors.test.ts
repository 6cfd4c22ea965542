import { describe, expect, it } from '@jest/globals';
import { formatFailure, InputError, UserFacingError } from '../src/index.js';

describe('formatFailure', () => {
  it('reports a bug in one sentence without a doubled full stop, cut at its first line', () => {
    const line = formatFailure(
      new Error('The long-running operation has failed.\n    at somewhere (x.ts:1:1)'),
    );
    expect(line).toBe(
      'The step failed unexpectedly (The long-running operation has failed): re-run with debug logging on and report it.',
    );
    expect(line).not.toContain('..');
    expect(formatFailure(new Error('x'.repeat(5000))).length).toBeLessThan(400);
  });

  it('shows a user error as its sentence, with the ARM code and correlation id', () => {
    expect(formatFailure(new InputError('mode', 'Input mode is "x".'))).toBe('Input mode is "x".');
    expect(formatFailure(new UserFacingError('Fix it.', { code: 'Bad', correlationId: 'c-1' }))).toBe(
      'Fix it. (code: Bad, correlation id: c-1)',
    );
  });
});

import { describe, expect, it } from '@jest/globals';
import { recordNameProblem } from '../src/config.js';

describe('record names', () => {
  it.each(['@', 'onprem-server', 'a.b', '_sip._tcp', 'x1', 'a'.repeat(63)])('accepts %s', (name) => {
    expect(recordNameProblem(name, 'internal.net')).toBeUndefined();
  });

  it.each([
    ['-lead', /not starting or ending with a dash/],
    ['a/b', /labels of 1 to 63/],
    ['..', /labels of 1 to 63/],
    ['trail-', /not starting or ending with a dash/],
    ['a..b', /labels of 1 to 63/],
    ['a'.repeat(64), /labels of 1 to 63/],
    ['has space', /labels of 1 to 63/],
    ['dot.', /without a trailing dot/],
    [
      Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.'),
      /so that with the zone name internal.net it stays within DNS's 253/,
    ],
  ])('rejects %s', (name, problem) => {
    expect(recordNameProblem(name, 'internal.net')).toMatch(problem);
  });
});

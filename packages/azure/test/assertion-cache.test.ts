import { describe, expect, it } from '@jest/globals';
import { reusedAssertion } from '../src/assertion-cache.js';

const jwt = (exp: number) =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.sig`;

describe('reusedAssertion', () => {
  it('fetches once while the token is valid, again within a minute of its expiry', async () => {
    let now = 1000;
    let fetches = 0;
    const assertion = reusedAssertion(
      async () => jwt(1000 + 600 + fetches++),
      () => now,
    );
    const [a, b] = await Promise.all([assertion(), assertion()]);
    expect(a).toBe(b);
    expect(await assertion()).toBe(a);
    expect(fetches).toBe(1);
    now = 1000 + 600 - 59;
    expect(await assertion()).not.toBe(a);
    expect(fetches).toBe(2);
  });

  it('does not keep a failed fetch or a token without an expiry', async () => {
    let calls = 0;
    const failing = reusedAssertion(async () => {
      calls++;
      if (calls === 1) throw new Error('issuer down');
      return 'opaque-token';
    });
    await expect(failing()).rejects.toThrow('issuer down');
    expect(await failing()).toBe('opaque-token');
    expect(await failing()).toBe('opaque-token');
    expect(calls).toBe(3);
  });
});

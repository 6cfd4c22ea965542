import { describe, expect, it } from '@jest/globals';
import { quoteValue, SecretRegistry, secretForms } from '../src/index.js';

describe('secretForms', () => {
  const secret = 'p"a\\ss%wörd\nsecond-line\n€uro line';

  it('holds every printed form: raw, JSON-escaped, \\u-escaped, URL-encoded, base64, command-escaped, per line', () => {
    const forms = secretForms(secret);
    expect(forms).toEqual(
      expect.arrayContaining([
        secret,
        JSON.stringify(secret).slice(1, -1),
        'p\\"a\\\\ss%w\\u00f6rd\\nsecond-line\\n\\u20acuro line',
        'p\\"a\\\\ss%w\\u00F6rd\\nsecond-line\\n\\u20ACuro line',
        encodeURIComponent(secret),
        Buffer.from(secret).toString('base64'),
        'p"a\\ss%25wörd%0Asecond-line%0A€uro line',
        'p"a\\ss%AZP25wörd%0Asecond-line%0A€uro line',
        'second-line',
        '€uro line',
      ]),
    );
    expect(forms).not.toContain('');
  });

  it('registers no line so short that masking it would blank the log', () => {
    expect(secretForms('ab\n{\nlong-enough')).not.toContain('{');
    expect(secretForms('')).toEqual([]);
  });
});

describe('SecretRegistry', () => {
  it('redacts every form, longest first, and answers only forms it did not know', () => {
    const registry = new SecretRegistry();
    const fresh = registry.register('a"b');
    expect(fresh).toEqual(expect.arrayContaining(['a"b', 'a\\"b']));
    expect(registry.register('a"b')).toEqual([]);
    expect(registry.redact('raw a"b json "a\\"b" url a%22b')).toBe('raw *** json "***" url ***');
    expect(registry.holdsSecret('{"v":"a\\"b"}')).toBe(true);
    expect(registry.holdsSecret('nothing here')).toBe(false);
  });
});

describe('quoteValue', () => {
  it('keeps an error on one line and cuts a huge value, saying its length', () => {
    expect(quoteValue('rg 1')).toBe('"rg 1"');
    expect(quoteValue('a\nb')).toBe('"a\\nb"');
    const quoted = quoteValue('x'.repeat(200_000));
    expect(quoted).toMatch(/^"x{300}…" \(200000 characters\)$/);
  });
});

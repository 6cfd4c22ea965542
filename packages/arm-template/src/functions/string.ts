import { functionError } from '../errors.js';
import { type ArmValue, armEquals, armTypeOf } from '../values.js';
import { arity, intArg, requireParameterDefault, stringArg } from './arguments.js';
import { armString, textOf } from './conversion.js';
import { compositeFormat } from './format.js';
import { deterministicGuid, uniqueString } from './hashing.js';
import type { FunctionFamily } from './registry.js';

function stringsOnly(name: string, args: ArmValue[]): string[] {
  return args.map((value, i) => {
    if (typeof value !== 'string')
      throw functionError(name, `expects parameter ${i + 1} to be a string, not '${armTypeOf(value)}'`);
    return value;
  });
}

/** .NET `Uri.EscapeDataString`: everything but RFC 3986 unreserved characters is percent-encoded. */
function escapeDataString(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Rewrites single-quoted JSON strings (which ARM's JSON reader accepts) as double-quoted ones. */
function doubleQuoted(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"') {
      const end = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(i));
      if (!end) return text;
      out += end[0];
      i += end[0].length - 1;
    } else if (c === "'") {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== "'"; j++) value += text[j] === '\\' ? (text[++j] ?? '') : text[j];
      out += JSON.stringify(value);
      i = j;
    } else out += c;
  }
  return out;
}

function parseJsonText(name: string, text: string): ArmValue {
  for (const candidate of [text, doubleQuoted(text)]) {
    try {
      return JSON.parse(candidate) as ArmValue;
    } catch {
      // try the next reading
    }
  }
  throw functionError(name, `got text that is not valid JSON: '${text.slice(0, 80)}'`);
}

function base64Decode(name: string, text: string): string {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
    throw functionError(name, `got a value that is not valid base64`);
  return Buffer.from(text, 'base64').toString('utf8');
}

function lowerIndexOf(haystack: string, needle: string, last: boolean): number {
  const h = haystack.toLowerCase();
  const n = needle.toLowerCase();
  // .NET's LastIndexOf finds an empty string at the last character, not past it.
  if (last && n === '') return Math.max(0, h.length - 1);
  return last ? h.lastIndexOf(n) : h.indexOf(n);
}

/** String functions of the ARM template language. */
export const stringFunctions: FunctionFamily = {
  base64: {
    apply: (a) => (arity('base64', a, 1), Buffer.from(stringArg('base64', a, 0), 'utf8').toString('base64')),
  },
  base64tostring: {
    apply: (a) => (
      arity('base64ToString', a, 1),
      base64Decode('base64ToString', stringArg('base64ToString', a, 0))
    ),
  },
  base64tojson: {
    apply: (a) => (
      arity('base64ToJson', a, 1),
      parseJsonText('base64ToJson', base64Decode('base64ToJson', stringArg('base64ToJson', a, 0)))
    ),
  },
  datauri: {
    apply: (a) => {
      arity('dataUri', a, 1);
      return `data:text/plain;charset=utf-8;base64,${Buffer.from(armString('dataUri', a[0] as ArmValue), 'utf8').toString('base64')}`;
    },
  },
  datauritostring: {
    apply: (a) => {
      arity('dataUriToString', a, 1);
      const match = /^data:([^,]*?)(;base64)?,(.*)$/s.exec(stringArg('dataUriToString', a, 0));
      if (!match) throw functionError('dataUriToString', 'got a value that is not a data URI');
      return match[2]
        ? Buffer.from(match[3] as string, 'base64').toString('utf8')
        : decodeURIComponent(match[3] as string);
    },
  },
  endswith: {
    apply: (a) => (
      arity('endsWith', a, 2),
      stringArg('endsWith', a, 0)
        .toLowerCase()
        .endsWith(stringArg('endsWith', a, 1).toLowerCase())
    ),
  },
  startswith: {
    apply: (a) => (
      arity('startsWith', a, 2),
      stringArg('startsWith', a, 0)
        .toLowerCase()
        .startsWith(stringArg('startsWith', a, 1).toLowerCase())
    ),
  },
  format: {
    apply: (a) => {
      arity('format', a, 1, Infinity);
      return compositeFormat(stringArg('format', a, 0), a.slice(1));
    },
  },
  guid: { apply: (a) => (arity('guid', a, 1, Infinity), deterministicGuid(stringsOnly('guid', a))) },
  uniquestring: {
    apply: (a) => (arity('uniqueString', a, 1, Infinity), uniqueString(stringsOnly('uniqueString', a))),
  },
  newguid: {
    apply: (a, scope) => {
      const at = requireParameterDefault('newGuid', scope);
      arity('newGuid', a, 0);
      return scope.context.newGuidAt(`${at.site}#${at.guids++}`);
    },
  },
  padleft: {
    apply: (a) => {
      arity('padLeft', a, 2, 3);
      const text = typeof a[0] === 'number' ? String(a[0]) : stringArg('padLeft', a, 0);
      const pad = a.length === 3 ? stringArg('padLeft', a, 2) : ' ';
      if (pad.length !== 1)
        throw functionError('padLeft', 'expects the padding character to be a single character');
      const width = intArg('padLeft', a, 1);
      if (width < 1 || width > 16) {
        throw functionError('padLeft', `needs a total width from 1 to 16, not ${width}`);
      }
      return text.padStart(width, pad);
    },
  },
  replace: {
    apply: (a) => {
      arity('replace', a, 3);
      const old = stringArg('replace', a, 1);
      if (old === '') throw functionError('replace', 'cannot replace an empty string');
      return stringArg('replace', a, 0)
        .split(old)
        .join(stringArg('replace', a, 2));
    },
  },
  split: {
    apply: (a) => {
      arity('split', a, 2);
      const text = stringArg('split', a, 0);
      const delimiters = Array.isArray(a[1]) ? stringsOnly('split', a[1]) : [stringArg('split', a, 1)];
      let parts = [text];
      for (const d of delimiters) parts = parts.flatMap((p) => p.split(d));
      return parts;
    },
  },
  string: { apply: (a) => (arity('string', a, 1), armString('string', a[0] as ArmValue)) },
  substring: {
    apply: (a) => {
      arity('substring', a, 2, 3);
      const text = stringArg('substring', a, 0);
      const start = intArg('substring', a, 1);
      const length = a.length === 3 ? intArg('substring', a, 2) : text.length - start;
      if (start < 0 || start > text.length || length < 0 || start + length > text.length) {
        throw functionError(
          'substring',
          `has start index ${start} and length ${length} outside a string of length ${text.length}`,
        );
      }
      return text.slice(start, start + length);
    },
  },
  tolower: { apply: (a) => (arity('toLower', a, 1), stringArg('toLower', a, 0).toLowerCase()) },
  toupper: { apply: (a) => (arity('toUpper', a, 1), stringArg('toUpper', a, 0).toUpperCase()) },
  trim: { apply: (a) => (arity('trim', a, 1), stringArg('trim', a, 0).trim()) },
  uri: {
    apply: (a) => {
      arity('uri', a, 2);
      return new URL(stringArg('uri', a, 1), stringArg('uri', a, 0)).toString();
    },
  },
  uricomponent: {
    apply: (a) => (arity('uriComponent', a, 1), escapeDataString(stringArg('uriComponent', a, 0))),
  },
  uricomponenttostring: {
    apply: (a) => (
      arity('uriComponentToString', a, 1),
      decodeURIComponent(stringArg('uriComponentToString', a, 0))
    ),
  },
  json: {
    apply: (a) => {
      arity('json', a, 1);
      return parseJsonText('json', stringArg('json', a, 0));
    },
  },
  join: {
    apply: (a) => {
      arity('join', a, 2);
      if (!Array.isArray(a[0]))
        throw functionError('join', `expects an array, not '${armTypeOf(a[0] as ArmValue)}'`);
      return a[0].map(textOf).join(stringArg('join', a, 1));
    },
  },
  indexof: {
    apply: (a, _s, name) =>
      typeof a[0] === 'string'
        ? (arity(name, a, 2), lowerIndexOf(a[0], stringArg(name, a, 1), false))
        : arrayIndexOf(a, false),
  },
  lastindexof: {
    apply: (a, _s, name) =>
      typeof a[0] === 'string'
        ? (arity(name, a, 2), lowerIndexOf(a[0], stringArg(name, a, 1), true))
        : arrayIndexOf(a, true),
  },
};

function arrayIndexOf(a: ArmValue[], last: boolean): number {
  const name = last ? 'lastIndexOf' : 'indexOf';
  arity(name, a, 2);
  if (!Array.isArray(a[0]))
    throw functionError(name, `expects a string or an array, not '${armTypeOf(a[0] as ArmValue)}'`);
  const items = a[0];
  const target = a[1] as ArmValue;
  // Unlike the string form, array search is case-sensitive.
  const matches = (x: ArmValue) => armEquals(x, target);
  return last ? items.findLastIndex(matches) : items.findIndex(matches);
}

import { functionError } from '../errors.js';
import type { ArmValue } from '../values.js';
import { arity, intArg, requireParameterDefault, stringArg } from './arguments.js';
import type { FunctionFamily } from './registry.js';

const DAY = 86_400_000;

/** ISO 8601 duration to milliseconds, as .NET's XmlConvert reads it (a year is 365 days, a month 30). */
function parseDuration(text: string): number {
  const match =
    /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) {
    throw functionError(
      'dateTimeAdd',
      `got '${text}', which is not an ISO 8601 duration such as P1D or PT1H`,
    );
  }
  const n = (i: number) => Number(match[i] ?? 0);
  const ms = (n(2) * 365 + n(3) * 30 + n(4)) * DAY + n(5) * 3_600_000 + n(6) * 60_000 + n(7) * 1000;
  return match[1] ? -ms : ms;
}

function parseDate(name: string, text: string): Date {
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const date = new Date(hasZone || !/T/.test(text) ? text : `${text}Z`);
  if (Number.isNaN(date.getTime())) throw functionError(name, `got '${text}', which is not a date and time`);
  return date;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const TOKENS: Record<string, (d: Date) => string> = {
  yyyy: (d) => pad(d.getUTCFullYear(), 4),
  yy: (d) => pad(d.getUTCFullYear() % 100),
  MM: (d) => pad(d.getUTCMonth() + 1),
  M: (d) => String(d.getUTCMonth() + 1),
  dd: (d) => pad(d.getUTCDate()),
  d: (d) => String(d.getUTCDate()),
  HH: (d) => pad(d.getUTCHours()),
  H: (d) => String(d.getUTCHours()),
  hh: (d) => pad(d.getUTCHours() % 12 || 12),
  h: (d) => String(d.getUTCHours() % 12 || 12),
  mm: (d) => pad(d.getUTCMinutes()),
  m: (d) => String(d.getUTCMinutes()),
  ss: (d) => pad(d.getUTCSeconds()),
  s: (d) => String(d.getUTCSeconds()),
  fffffff: (d) => pad(d.getUTCMilliseconds(), 3) + '0000',
  fff: (d) => pad(d.getUTCMilliseconds(), 3),
  tt: (d) => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
  K: () => 'Z',
};

const STANDARD: Record<string, string> = {
  o: "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'",
  O: "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'",
  s: "yyyy-MM-dd'T'HH:mm:ss",
  u: "yyyy-MM-dd HH:mm:ss'Z'",
};

/** Formats a UTC date with a .NET date format string (the custom specifiers ARM templates use). */
export function formatDate(name: string, date: Date, format: string): string {
  const pattern = STANDARD[format] ?? format;
  const tokenPattern =
    /'[^']*'|"[^"]*"|\\.|yyyy|yy|MM|M|dd|d|HH|H|hh|h|mm|m|ss|s|fffffff|fff|tt|K|[A-Za-z]|./g;
  return pattern.replace(tokenPattern, (token) => {
    if (token.startsWith("'") || token.startsWith('"')) return token.slice(1, -1);
    if (token.startsWith('\\')) return token.slice(1);
    const render = TOKENS[token];
    if (render) return render(token.length === 1 && pattern.length === 1 ? date : date);
    if (/^[A-Za-z]$/.test(token) && token !== 'T' && token !== 'Z') {
      throw functionError(name, `does not support the format specifier '${token}' in '${format}'`);
    }
    return token;
  });
}

/** ARM's default date output: whole seconds, UTC, `Z` suffix. */
function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Date functions of the ARM template language. */
export const dateFunctions: FunctionFamily = {
  datetimeadd: {
    apply: (a) => {
      arity('dateTimeAdd', a, 2, 3);
      const date = new Date(
        parseDate('dateTimeAdd', stringArg('dateTimeAdd', a, 0)).getTime() +
          parseDuration(stringArg('dateTimeAdd', a, 1)),
      );
      return a.length === 3
        ? formatDate('dateTimeAdd', date, stringArg('dateTimeAdd', a, 2))
        : isoSeconds(date);
    },
  },
  datetimefromepoch: {
    apply: (a) => (
      arity('dateTimeFromEpoch', a, 1),
      isoSeconds(new Date(intArg('dateTimeFromEpoch', a, 0) * 1000))
    ),
  },
  datetimetoepoch: {
    apply: (a) => (
      arity('dateTimeToEpoch', a, 1),
      Math.floor(parseDate('dateTimeToEpoch', stringArg('dateTimeToEpoch', a, 0)).getTime() / 1000)
    ),
  },
  utcnow: {
    apply: (a, scope): ArmValue => {
      requireParameterDefault('utcNow', scope);
      arity('utcNow', a, 0, 1);
      return formatDate(
        'utcNow',
        scope.context.now,
        a.length === 1 ? stringArg('utcNow', a, 0) : "yyyyMMdd'T'HHmmss'Z'",
      );
    },
  },
};

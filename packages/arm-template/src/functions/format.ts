import { functionError } from '../errors.js';
import type { ArmValue } from '../values.js';
import { textOf, toJsonText } from './conversion.js';

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function formatNumber(value: number, spec: string): string {
  const match = /^([A-Za-z])(\d*)$/.exec(spec);
  if (!match) throw functionError('format', `does not support the number format '${spec}'`);
  const letter = match[1] as string;
  const precision = match[2] === '' ? undefined : Number(match[2]);
  const negative = value < 0;
  const abs = Math.abs(value);
  let body: string;
  switch (letter.toUpperCase()) {
    case 'D':
      body = String(Math.trunc(abs)).padStart(precision ?? 0, '0');
      break;
    case 'N': {
      const [whole, fraction] = abs.toFixed(precision ?? 2).split('.');
      body = group(whole as string) + (fraction ? `.${fraction}` : '');
      break;
    }
    case 'F':
      body = abs.toFixed(precision ?? 2);
      break;
    case 'X': {
      const hex = Math.trunc(value >= 0 ? value : 0x100000000 + value)
        .toString(16)
        .padStart(precision ?? 0, '0');
      return letter === 'X' ? hex.toUpperCase() : hex;
    }
    case 'P': {
      const [whole, fraction] = (abs * 100).toFixed(precision ?? 2).split('.');
      body = `${group(whole as string)}${fraction ? `.${fraction}` : ''} %`;
      break;
    }
    default:
      throw functionError('format', `does not support the number format '${spec}'`);
  }
  return negative ? `-${body}` : body;
}

function formatArgument(value: ArmValue, spec: string | undefined): string {
  if (spec !== undefined && typeof value === 'number') return formatNumber(value, spec);
  if (spec !== undefined) throw functionError('format', `can only apply the format '${spec}' to a number`);
  // .NET prints JSON objects inside format() with single quotes.
  if (typeof value === 'object' && value !== null) return toJsonText(value).replace(/"/g, "'");
  return textOf(value);
}

/** .NET composite formatting as ARM's `format()` applies it: `{index[,alignment][:format]}`, `{{` and `}}`. */
export function compositeFormat(template: string, args: ArmValue[]): string {
  return template.replace(
    /\{\{|\}\}|\{(\d+)(?:,(-?\d+))?(?::([^}]*))?\}/g,
    (token, index?: string, align?: string, spec?: string) => {
      if (token === '{{') return '{';
      if (token === '}}') return '}';
      const i = Number(index);
      if (i >= args.length)
        throw functionError('format', `has a format item {${i}} but only ${args.length} argument(s)`);
      const text = formatArgument(args[i] as ArmValue, spec);
      const width = align === undefined ? 0 : Number(align);
      return width >= 0 ? text.padStart(width) : text.padEnd(-width);
    },
  );
}

import type { DeploymentRequest } from './deployment-plan.js';

/** Hides a deployment's secure values in whatever it is handed (a provider's answer, an error, a what-if result). */
export type Concealer = <T>(value: T) => T;

/** One way a secure value may be written, and the expression that stands in for it. */
interface Form {
  text: string;
  standIn: string;
}

const secureTypes = new Set(['securestring', 'secureobject']);

function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringLeaves);
  return [];
}

/**
 * The forms of one secure value: as it is, JSON-escaped (inside a JSON text, such as a provider error's message)
 * and each of its lines; a secure object's string members too, and its whole JSON text.
 */
function formsOf(name: string, value: unknown): Form[] {
  const standIn = `[parameters('${name}')]`;
  const whole = typeof value === 'string' ? [value] : [JSON.stringify(value)];
  const texts = [
    ...whole,
    ...stringLeaves(value).filter((leaf) => leaf.length >= 4 && !whole.includes(leaf)),
  ];
  const lines = texts.flatMap((text) => text.split(/\r?\n/).filter((line) => line.trim().length >= 4));
  const all = [...texts, ...texts.map((text) => JSON.stringify(text).slice(1, -1)), ...lines];
  return [...new Set(all)].filter((text) => text !== '').map((text) => ({ text, standIn }));
}

/** The forms of every secure parameter's value (given, or its default), longest first. */
function secureForms(request: DeploymentRequest): Form[] {
  const forms: Form[] = [];
  for (const [name, definition] of Object.entries(request.template.parameters ?? {})) {
    if (!secureTypes.has(String(definition.type).toLowerCase())) continue;
    const value = name in request.parameters ? request.parameters[name] : definition.defaultValue;
    if (value !== undefined && value !== null) forms.push(...formsOf(name, value));
  }
  return forms.sort((a, b) => b.text.length - a.text.length);
}

function concealIn(value: unknown, forms: Form[]): unknown {
  if (typeof value === 'string')
    return forms.reduce((text, form) => text.replaceAll(form.text, form.standIn), value);
  if (Array.isArray(value)) return value.map((item) => concealIn(item, forms));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, concealIn(member, forms)]));
  return value;
}

/**
 * What hides the secure parameters' values (securestring, secureObject) of a deployment request: a copy of what it
 * is handed, with each value replaced by the expression `[parameters('name')]`, as ARM's snapshot keeps it. The
 * deployment's records, errors and what-if results pass through it, so no answer and no file shows them in clear.
 */
export function concealerOf(request: DeploymentRequest): Concealer {
  const forms = secureForms(request);
  return <T>(value: T): T => (forms.length === 0 ? value : (concealIn(value, forms) as T));
}

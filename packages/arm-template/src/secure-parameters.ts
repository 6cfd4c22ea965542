import { ArmTemplateError } from './errors.js';
import type { ArmTemplate, TypeDefinition } from './template.js';
import { resolveRef } from './type-check.js';
import { type ArmValue, isArmObject } from './values.js';

/** True when the parameter is declared `securestring` or `secureobject`, directly or through a `$ref`. */
export function isSecureDeclaration(
  declared: TypeDefinition,
  definitions: Record<string, TypeDefinition>,
): boolean {
  const type = resolveRef(declared, definitions, 'parameters').type?.toLowerCase();
  return type === 'securestring' || type === 'secureobject';
}

function stringLeaves(value: ArmValue): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (isArmObject(value)) return Object.values(value).flatMap(stringLeaves);
  return [];
}

/** The supplied values of the template's secure parameters, each with the expression that stands for it. */
export function suppliedSecrets(
  template: ArmTemplate,
  supplied: Record<string, ArmValue>,
): { text: string; standIn: string }[] {
  const declared = Object.entries(template.parameters ?? {});
  return Object.entries(supplied).flatMap(([name, value]) => {
    const entry = declared.find(([n]) => n.toLowerCase() === name.toLowerCase());
    if (!entry || !isSecureDeclaration(entry[1], template.definitions ?? {})) return [];
    return stringLeaves(value).map((text) => ({ text, standIn: `[parameters('${entry[0]}')]` }));
  });
}

/** The forms a secret takes in a message: raw, JSON-escaped, and as an ARM string literal (quotes doubled). */
function formsOf(text: string): string[] {
  return [...new Set([text, JSON.stringify(text).slice(1, -1), text.replace(/'/g, "''")])];
}

/**
 * An error with every supplied secret replaced by its `[parameters('name')]` expression, in every form it can take:
 * template functions quote the values they refuse (`int('…')`), a runtime expression carries the values it was
 * computed from, and an error reaches deployment records and logs.
 */
export function withoutSecrets(error: unknown, secrets: { text: string; standIn: string }[]): unknown {
  if (!(error instanceof ArmTemplateError) || secrets.length === 0) return error;
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...secrets].sort((a, b) => b.text.length - a.text.length);
  const scrub = (text: string) =>
    ordered.reduce(
      (t, s) => formsOf(s.text).reduce((inner, form) => inner.split(form).join(s.standIn), t),
      text,
    );
  const target = error.target === undefined ? undefined : scrub(error.target);
  const detail = scrub(error.detail);
  if (detail === error.detail && target === error.target) return error;
  return new ArmTemplateError(error.code, detail, target);
}

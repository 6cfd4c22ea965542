import { ArmTemplateError } from './errors.js';
import type { ArmValue } from './values.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads parameter values from any of the shapes a caller has: an ARM parameters file
 * (`{ "parameters": { "name": { "value": … } } }`), the output of `bicep build-params --stdout`
 * (`{ "parametersJson": "…" }`), or a plain `{ name: value }` map.
 */
export function readParameterValues(source: unknown, origin = 'parameters'): Record<string, ArmValue> {
  if (isRecord(source) && typeof source.parametersJson === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(source.parametersJson);
    } catch {
      // JSON.parse quotes the text around the fault, and parameters carry secure values: say only where.
      throw new ArmTemplateError(
        'InvalidTemplateParameter',
        `The parametersJson of ${origin} is not valid JSON: compile the .bicepparam file again with bicep build-params.`,
      );
    }
    return readParameterValues(parsed, origin);
  }
  if (!isRecord(source)) {
    throw new ArmTemplateError(
      'InvalidTemplateParameter',
      `The ${origin} must be a JSON object of parameter values.`,
    );
  }
  const isFile =
    isRecord(source.parameters) &&
    (typeof source.$schema === 'string' || typeof source.contentVersion === 'string');
  if (!isFile) return source as Record<string, ArmValue>;
  const values: Record<string, ArmValue> = {};
  for (const [name, entry] of Object.entries(source.parameters as Record<string, unknown>)) {
    if (isRecord(entry) && 'reference' in entry) {
      throw new ArmTemplateError(
        'InvalidTemplateParameter',
        `The parameter '${name}' in ${origin} is a Key Vault reference, which this engine cannot read: pass its value instead.`,
        name,
      );
    }
    if (!isRecord(entry) || !('value' in entry)) {
      throw new ArmTemplateError(
        'InvalidTemplateParameter',
        `The parameter '${name}' in ${origin} must be an object with a 'value'.`,
        name,
      );
    }
    values[name] = entry.value as ArmValue;
  }
  return values;
}

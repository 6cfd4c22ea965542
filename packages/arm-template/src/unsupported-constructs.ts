import { ArmTemplateError } from './errors.js';
import type { ArmTemplate, ResourceDefinition } from './template.js';

/**
 * Constructs Bicep emits that the engine cannot evaluate or hand on as a request body. ARM reads them as
 * instructions to the deployment, not as part of the resource, so leaving them out or passing them on would both
 * change what is deployed: each fails with an InvalidTemplate naming it.
 */
const RESOURCE_CONSTRUCTS: Record<string, (value: unknown) => string> = {
  extension: (alias) => `belongs to the Bicep extension '${String(alias)}' ('extension')`,
  import: (alias) => `belongs to the Bicep extension '${String(alias)}' ('import')`,
  '@options': (options) =>
    `has deployment options (@options: ${Object.keys(options ?? {}).join(', ')}, from decorators such as @retryOn or @onlyIfNotExists)`,
  method: (method) => `is deployed with the method '${String(method)}' (@patch) instead of PUT`,
};

/** Fails on a top-level `extensions` or `imports` section (Bicep `extension` declarations). `where` prefixes the target. */
export function checkTemplateConstructs(template: ArmTemplate, where: string): void {
  for (const key of ['extensions', 'imports'] as const) {
    const [alias, declaration] = Object.entries(template[key] ?? {})[0] ?? [];
    if (alias === undefined) continue;
    const name = (declaration as { name?: unknown; provider?: unknown } | undefined) ?? {};
    throw new ArmTemplateError(
      'InvalidTemplate',
      `The template declares the Bicep extension '${alias}' (${String(name.name ?? name.provider)}, in '${key}'), which this engine does not support: remove the extension and its resources to expand the template here.`,
      `${where}${key}.${alias}`,
    );
  }
}

/** Fails on a resource construct the engine does not support, naming it; `where` is the resource's place. */
export function checkResourceConstructs(definition: ResourceDefinition, where: string): void {
  for (const [key, describe] of Object.entries(RESOURCE_CONSTRUCTS)) {
    if (definition[key] === undefined) continue;
    throw new ArmTemplateError(
      'InvalidTemplate',
      `The resource of type '${definition.type}' ${describe(definition[key])}, which this engine does not support: remove it to expand the template here.`,
      `${where}.${key}`,
    );
  }
}

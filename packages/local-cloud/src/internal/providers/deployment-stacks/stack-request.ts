import type { ProviderError } from '../../arm-calls/call-provider.js';
import type { ActionOnUnmanage, DenySettings, UnmanageAction } from './stack-record.js';

/** What the body of a stack PUT or validate carries, once checked. */
export interface StackRequest {
  location?: string;
  tags?: Record<string, string>;
  description?: string;
  template: Record<string, unknown>;
  parameters: Record<string, { value?: unknown }>;
  actionOnUnmanage: ActionOnUnmanage;
  denySettings: DenySettings;
  bypassStackOutOfSyncError: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isError(value: unknown): value is ProviderError {
  return isRecord(value) && typeof value.code === 'string';
}

function invalid(message: string): ProviderError {
  return { code: 'InvalidRequestContent', message };
}

const unmanageActions: UnmanageAction[] = ['delete', 'detach'];
const denyModes: DenySettings['mode'][] = ['none', 'denyDelete', 'denyWriteAndDelete'];

function readActionOnUnmanage(value: unknown): ActionOnUnmanage | ProviderError {
  if (!isRecord(value)) return invalid("The stack's 'properties.actionOnUnmanage' is required.");
  const read: Partial<ActionOnUnmanage> = {};
  for (const member of ['resources', 'resourceGroups', 'managementGroups'] as const) {
    const action = value[member];
    if (action === undefined && member !== 'resources') continue;
    if (!unmanageActions.includes(action as UnmanageAction)) {
      return invalid(
        `The value '${String(action)}' of 'properties.actionOnUnmanage.${member}' is not valid; use 'delete' or 'detach'.`,
      );
    }
    read[member] = action as UnmanageAction;
  }
  return read as ActionOnUnmanage;
}

function stringList(value: unknown, member: string, most: number): string[] | ProviderError | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    return invalid(`The 'properties.denySettings.${member}' must be an array of strings.`);
  if (value.length > most)
    return invalid(
      `The 'properties.denySettings.${member}' holds ${value.length} entries; at most ${most} are permitted.`,
    );
  return value as string[];
}

function readDenySettings(value: unknown): DenySettings | ProviderError {
  if (!isRecord(value)) return invalid("The stack's 'properties.denySettings' is required.");
  if (!denyModes.includes(value.mode as DenySettings['mode'])) {
    return invalid(
      `The value '${String(value.mode)}' of 'properties.denySettings.mode' is not valid; use 'none', 'denyDelete' or 'denyWriteAndDelete'.`,
    );
  }
  const excludedPrincipals = stringList(value.excludedPrincipals, 'excludedPrincipals', 5);
  if (isError(excludedPrincipals)) return excludedPrincipals;
  const excludedActions = stringList(value.excludedActions, 'excludedActions', 200);
  if (isError(excludedActions)) return excludedActions;
  return {
    mode: value.mode as DenySettings['mode'],
    ...(excludedPrincipals === undefined ? {} : { excludedPrincipals }),
    ...(excludedActions === undefined ? {} : { excludedActions }),
    ...(typeof value.applyToChildScopes === 'boolean'
      ? { applyToChildScopes: value.applyToChildScopes }
      : {}),
  };
}

function readParameters(value: unknown): Record<string, { value?: unknown }> | ProviderError {
  if (value === undefined) return {};
  if (!isRecord(value)) return invalid("The stack's 'properties.parameters' must be an object.");
  for (const [name, entry] of Object.entries(value)) {
    if (!isRecord(entry) || !('value' in entry)) {
      return invalid(
        `The value of the template parameter '${name}' must be an object with a 'value' (Key Vault references are not supported by the local cloud).`,
      );
    }
  }
  return value as Record<string, { value?: unknown }>;
}

/** Checks the body of a stack PUT or validate as the stacks service does before it accepts it. */
export function readStackRequest(body: unknown): StackRequest | ProviderError {
  if (!isRecord(body) || !isRecord(body.properties))
    return invalid("The request content must be an object with 'properties'.");
  const properties = body.properties;
  if (properties.templateLink !== undefined || properties.parametersLink !== undefined)
    return invalid(
      'The local cloud cannot download templateLink or parametersLink: send the template inline.',
    );
  if (!isRecord(properties.template)) return invalid("The stack must have a 'properties.template' object.");
  const actionOnUnmanage = readActionOnUnmanage(properties.actionOnUnmanage);
  if (isError(actionOnUnmanage)) return actionOnUnmanage;
  const denySettings = readDenySettings(properties.denySettings);
  if (isError(denySettings)) return denySettings;
  const parameters = readParameters(properties.parameters);
  if (isError(parameters)) return parameters;
  return {
    ...(typeof body.location === 'string' ? { location: body.location } : {}),
    ...(isRecord(body.tags) ? { tags: body.tags as Record<string, string> } : {}),
    ...(typeof properties.description === 'string' ? { description: properties.description } : {}),
    template: properties.template,
    parameters,
    actionOnUnmanage,
    denySettings,
    bypassStackOutOfSyncError: properties.bypassStackOutOfSyncError === true,
  };
}

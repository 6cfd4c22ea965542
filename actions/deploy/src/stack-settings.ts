import { input, InputError, quoteValue } from '@azpn/core';

/** What becomes of resources a stack stops managing, as `az stack` and bicep-deploy name the choices. */
export const unmanageChoices = ['detachAll', 'deleteResources', 'deleteAll'] as const;
export type UnmanageChoice = (typeof unmanageChoices)[number];

/** The deny settings modes of a deployment stack. */
export const denyModes = ['none', 'denyDelete', 'denyWriteAndDelete'] as const;
export type DenyMode = (typeof denyModes)[number];

/** A deployment stack's settings, as the stacks API takes them. */
export interface StackSettings {
  name: string;
  /** The choice as the user named it (for the summary). */
  unmanage: UnmanageChoice;
  actionOnUnmanage: { resources: 'delete' | 'detach'; resourceGroups: 'delete' | 'detach' };
  denySettings: {
    mode: DenyMode;
    excludedPrincipals: string[];
    excludedActions: string[];
    applyToChildScopes: boolean;
  };
  bypassStackOutOfSyncError: boolean;
  /** The stack's own tags (a preview's ownership tags); deploy's inputs set none. */
  tags?: Record<string, string>;
}

/** The inputs only a stack reads. */
export const stackInputs = {
  stackName: input.optionalString('stack-name'),
  unmanage: input.choice('action-on-unmanage', unmanageChoices, { default: 'detachAll' }),
  denyMode: input.choice('deny-settings-mode', denyModes, { default: 'none' }),
  excludedPrincipals: input.lines('deny-settings-excluded-principals'),
  excludedActions: input.lines('deny-settings-excluded-actions'),
  applyToChildScopes: input.boolean('deny-settings-apply-to-child-scopes', { default: false }),
  bypass: input.boolean('bypass-stack-out-of-sync-error', { default: false }),
};

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An RBAC action: `Namespace/type[/…]/verb`, `*` allowed in any segment. */
const rbacAction = /^[A-Za-z0-9.*]+(\/[A-Za-z0-9.*]+)+$/;
/** The stacks API's name rule (`deploymentStackName`): 1 to 90 letters, digits, `-_.()`. */
const stackName = /^[-\p{L}\p{Mn}\p{Nd}\p{Pc}.()]{1,90}$/u;

type StackInputValues = { [K in keyof typeof stackInputs]: ReturnType<(typeof stackInputs)[K]['parse']> };

/** The stack inputs a value other than their default was given to (runners pass defaults as if given). */
function changedStackInputs(raw: StackInputValues): string[] {
  const changed: [string, boolean][] = [
    ['stack-name', raw.stackName !== undefined],
    ['action-on-unmanage', raw.unmanage !== 'detachAll'],
    ['deny-settings-mode', raw.denyMode !== 'none'],
    ['deny-settings-excluded-principals', raw.excludedPrincipals.length > 0],
    ['deny-settings-excluded-actions', raw.excludedActions.length > 0],
    ['deny-settings-apply-to-child-scopes', raw.applyToChildScopes],
    ['bypass-stack-out-of-sync-error', raw.bypass],
  ];
  return changed.filter(([, set]) => set).map(([name]) => name);
}

/** Refuses a stack-only input set (to other than its default) for a plain deployment, naming it. */
export function refuseStackInputs(raw: StackInputValues): void {
  const set = changedStackInputs(raw)[0];
  if (set !== undefined)
    throw new InputError(
      set,
      `Input ${set} applies to deployment stacks only: set type to stack, or remove ${set}.`,
    );
}

function checkList(name: string, values: string[], most: number, rule: RegExp, what: string): string[] {
  if (values.length > most)
    throw new InputError(
      name,
      `Input ${name} lists ${values.length} entries; a deployment stack takes at most ${most}.`,
    );
  const bad = values.find((value) => !rule.test(value));
  if (bad !== undefined)
    throw new InputError(
      name,
      `Input ${name} holds ${quoteValue(bad)}, which is not ${what}: give one per line.`,
    );
  return values;
}

/**
 * The stack's name: the input, or the template's file name (its folder's for a `main.*`, as `bicep/forwarder/
 * main.bicepparam` → `forwarder`), which stays the same from run to run: a stack is found again by its name.
 */
function nameOf(given: string | undefined, templateFile: string | undefined): string {
  if (given !== undefined) {
    if (!stackName.test(given) || /^\.+$/.test(given))
      throw new InputError(
        'stack-name',
        `Input stack-name is ${quoteValue(given)}, which is not a valid deployment stack name: use 1 to 90 letters, digits, dashes, underscores, dots or parentheses.`,
      );
    return given;
  }
  if (templateFile === undefined)
    throw new InputError(
      'stack-name',
      'Input required and not supplied: stack-name. Set it to the deployment stack to delete (or give template, whose file name is the default).',
    );
  const parts = templateFile.split(/[\\/]/);
  const file = parts.pop()!.replace(/\.(bicepparam|bicep|json)$/i, '');
  const base = file.toLowerCase() === 'main' && parts.length > 0 ? parts.pop()! : file;
  return (
    base
      .replace(/[^-\w.()]/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '') || 'stack'
  ).slice(0, 90);
}

/** Exclusions only mean something to a deny assignment: with mode none they are a mistake to point out. */
function checkExclusions(raw: {
  denyMode: DenyMode;
  excludedPrincipals: string[];
  excludedActions: string[];
}): void {
  if (raw.denyMode !== 'none') return;
  const name =
    raw.excludedPrincipals.length > 0
      ? 'deny-settings-excluded-principals'
      : raw.excludedActions.length > 0
        ? 'deny-settings-excluded-actions'
        : undefined;
  if (name !== undefined)
    throw new InputError(
      name,
      `Input ${name} applies only when deny-settings-mode is denyDelete or denyWriteAndDelete: set the mode, or remove ${name}.`,
    );
}

/** Reads a stack's settings from the stack inputs, checked as the stacks API checks them. */
export function readStackSettings(raw: StackInputValues, templateFile: string | undefined): StackSettings {
  const deletes = { detachAll: 'detach', deleteResources: 'delete', deleteAll: 'delete' } as const;
  checkExclusions(raw);
  return {
    name: nameOf(raw.stackName, templateFile),
    unmanage: raw.unmanage,
    actionOnUnmanage: {
      resources: deletes[raw.unmanage],
      resourceGroups: raw.unmanage === 'deleteAll' ? 'delete' : 'detach',
    },
    denySettings: {
      mode: raw.denyMode,
      excludedPrincipals: checkList(
        'deny-settings-excluded-principals',
        raw.excludedPrincipals,
        5,
        guid,
        'a principal object id (a GUID)',
      ),
      excludedActions: checkList(
        'deny-settings-excluded-actions',
        raw.excludedActions,
        200,
        rbacAction,
        'an RBAC action such as Microsoft.Network/virtualNetworks/write',
      ),
      applyToChildScopes: raw.applyToChildScopes,
    },
    bypassStackOutOfSyncError: raw.bypass,
  };
}

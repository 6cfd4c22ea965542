import { markdownHeading, UserFacingError } from '@azpn/core';
import {
  ArmTemplateError,
  expandTemplate,
  renderForSnapshot,
  type ArmTemplate,
  type ArmValue,
} from '@azpn/arm-template';
import type { ResourceChange } from '@azpn/whatif';
import type { DeployConfig } from './config.js';
import type { PreparedTemplate } from './template-source.js';

/** The tenant a template's `tenant()` reads when the sign-in names none; it changes no resource id. */
const unknownTenant = '00000000-0000-0000-0000-000000000000';

/**
 * What a deploy would do to a resource group that does not exist yet, without writing anything: ARM can neither
 * validate nor run what-if against a group that is not there, and validate and what-if must not create it. The
 * template engine evaluates the template as ARM would (parameters, names, conditions, loops, modules), which
 * both checks it and lists the resources a deploy would create; the group itself comes first.
 */
export function changesForMissingGroup(config: DeployConfig, prepared: PreparedTemplate): ResourceChange[] {
  if (!config.location)
    throw new UserFacingError(
      `The resource group ${config.resourceGroup} does not exist and input location is not set: set location so that a deploy could create it.`,
    );
  const groupId = `/subscriptions/${config.connection.subscriptionId}/resourceGroups/${config.resourceGroup}`;
  const credential = config.connection.credential;
  let resources;
  try {
    resources = expandTemplate(prepared.template as unknown as ArmTemplate, {
      parameters: Object.fromEntries(
        Object.entries(prepared.parameters).map(([name, { value }]) => [name, value as ArmValue]),
      ),
      context: {
        tenantId: ('tenantId' in credential && credential.tenantId) || unknownTenant,
        subscriptionId: config.connection.subscriptionId,
        resourceGroup: config.resourceGroup,
        location: config.location,
        deploymentName: config.deploymentName,
      },
      predictDeclaredState: true,
    }).resources;
  } catch (error) {
    if (!(error instanceof ArmTemplateError)) throw error;
    throw new UserFacingError(
      `The template is not valid for ${config.resourceGroup} (${error.message.replace(/[.\s]+$/, '')}): fix the template or its parameters and re-run.`,
      { code: error.code },
    );
  }
  return [
    { resourceId: groupId, changeType: 'Create', after: { location: config.location, tags: config.tags } },
    ...resources
      .filter((r) => r.condition)
      .map((r) => ({
        resourceId: r.id,
        changeType: 'Create',
        after: {
          name: r.name,
          type: r.type,
          apiVersion: r.apiVersion,
          ...(renderForSnapshot(r.body) as object),
        },
      })),
  ];
}

/** The summary's opening for a group that does not exist: what a deploy would do, and that nothing was written. */
export function missingGroupSummary(config: DeployConfig): string {
  return (
    markdownHeading(`Deployment ${config.deploymentName} to ${config.resourceGroup}`) +
    `The resource group ${config.resourceGroup} does not exist: a deploy would create it in ${config.location} and every resource below with it. ` +
    `Azure cannot validate or run what-if against a group that is not there, so the template was evaluated locally; mode ${config.mode} wrote nothing.\n\n`
  );
}

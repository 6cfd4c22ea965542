import type { ArmErrorNode } from './arm-error-tree.js';

type Advice = (error: ArmErrorNode) => string;

const capture = (message: string, pattern: RegExp): string | undefined => pattern.exec(message)?.[1];

/** End a quoted service message cleanly inside our sentence. */
const quote = (message: string): string => message.replace(/\s+/g, ' ').replace(/[.\s]+$/, '');

const authorization: Advice = (e) => {
  const action = capture(e.message, /perform action '([^']+)'/);
  const scope = capture(e.message, /over scope '([^']+)'/);
  const what = action ? `perform ${action}${scope ? ` on ${scope}` : ''}` : 'do this';
  return `The signed-in identity is not allowed to ${what}: grant it a role that allows it (for example Contributor on the resource group), wait a few minutes for the assignment to apply, and re-run.`;
};

const throttled: Advice = () =>
  'Azure Resource Manager throttled this subscription even after the retries it asked for: wait a few minutes, or run fewer jobs against the subscription at once.';

/**
 * What to do, per ARM error code. Codes come from ARM's documented error list
 * (learn.microsoft.com "Troubleshoot common Azure deployment errors").
 */
const adviceByCode: Record<string, Advice> = {
  AuthorizationFailed: authorization,
  LinkedAuthorizationFailed: authorization,
  ResourceGroupNotFound: (e) => {
    const name = capture(e.message, /Resource group '([^']+)'/);
    return `Resource group ${name ?? 'named in the request'} does not exist in this subscription: create it first, or check the resource-group and subscription inputs.`;
  },
  SubscriptionNotFound: () =>
    'The subscription was not found: check the subscription input, and that the signed-in identity has a role on it.',
  InvalidSubscriptionId: () => 'The subscription id is malformed: give the subscription input as a GUID.',
  MissingSubscriptionRegistration: (e) => {
    const namespace = capture(e.message, /namespace '([^']+)'/) ?? 'the resource provider';
    return `The subscription is not registered for ${namespace}: register it (az provider register --namespace ${namespace}) and re-run.`;
  },
  InvalidTemplateDeployment: (e) =>
    `The template did not pass validation (${quote(e.message)}): fix the template or its parameters and re-run.`,
  InvalidTemplate: (e) => `The template is invalid (${quote(e.message)}): fix it and re-run.`,
  DeploymentFailed: (e) =>
    `The deployment failed (${quote(e.message)}): see the failing deployment operations for the resource that caused it.`,
  DeploymentActive: () =>
    'A deployment with this name is still running in the resource group: wait for it to finish, or give this one another name.',
  RequestDisallowedByPolicy: (e) =>
    `An Azure Policy assignment denied the request (${quote(e.message)}): change the template to comply, or ask for a policy exemption.`,
  AnotherOperationInProgress: () =>
    'Another operation is still running on this resource: wait for it to finish and re-run.',
  SubscriptionRequestsThrottled: throttled,
  TooManyRequests: throttled,
  InvalidAuthenticationTokenTenant: () =>
    "The access token comes from a tenant the subscription does not belong to: set tenant-id to the subscription's tenant.",
  ExpiredAuthenticationToken: () => 'The access token expired before Azure received it: re-run the job.',
  InvalidAuthenticationToken: () =>
    'Azure Resource Manager did not accept the access token: check that the cloud input matches the tenant the identity signs in to.',
  QuotaExceeded: (e) =>
    `A quota was exceeded (${quote(e.message)}): request a quota increase, or choose another region or size.`,
  SkuNotAvailable: (e) =>
    `The requested size is not available here (${quote(e.message)}): choose another size or region.`,
  ResourceNotFound: (e) =>
    `A resource was not found (${quote(e.message)}): check its name and resource group.`,
  ParentResourceNotFound: (e) =>
    `A parent resource was not found (${quote(e.message)}): deploy the parent first, or add a dependsOn to it.`,
  InvalidResourceReference: (e) =>
    `A resource refers to one that does not exist (${quote(e.message)}): fix the reference, or deploy the referenced resource first.`,
};

/** The advice for a code, when there is one. Codes are matched case-insensitively, as ARM is not consistent. */
export function adviceFor(error: ArmErrorNode): string | undefined {
  if (!error.code) return undefined;
  const key = Object.keys(adviceByCode).find((k) => k.toLowerCase() === error.code?.toLowerCase());
  return key ? adviceByCode[key]?.(error) : undefined;
}

/** The sentence for an error no advice covers: the service's own words, with the instruction to act on them. */
export function genericAdvice(error: ArmErrorNode, status: number | undefined): string {
  const said = error.message ? quote(error.message) : `HTTP ${status ?? 'error'}`;
  return `Azure rejected the request (${said}): fix what it names and re-run.`;
}

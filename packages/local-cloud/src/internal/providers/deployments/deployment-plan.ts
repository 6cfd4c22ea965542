import { createHash } from 'node:crypto';
import {
  ArmTemplateError,
  expandTemplate,
  type ArmTemplate,
  type ArmValue,
  type TemplateExpansion,
} from '@azpn/arm-template';
import type { ArmContext } from '../../arm/arm-provider.js';
import type { ProviderError } from './provider-call.js';

/** What the body of a deployment PUT, validate or what-if carries, once checked. */
export interface DeploymentRequest {
  template: ArmTemplate;
  parameters: Record<string, ArmValue>;
  mode: 'Incremental' | 'Complete';
  location?: string;
  tags?: Record<string, string>;
}

/** Where the deployment runs: a resource group, or (without one) the subscription. */
export interface DeploymentTarget {
  subscriptionId: string;
  resourceGroup?: string;
  name: string;
  tenantId: string;
  location: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the request body as ARM does before it accepts a deployment; answers the error otherwise. */
export function readDeploymentRequest(body: unknown): DeploymentRequest | ProviderError {
  if (!isRecord(body) || !isRecord(body.properties)) {
    return {
      code: 'InvalidRequestContent',
      message: "The request content must be an object with 'properties'.",
    };
  }
  // A member set to null is absent, as ARM reads it; nulls inside the template and parameters are values.
  const properties = Object.fromEntries(Object.entries(body.properties).filter(([, v]) => v !== null));
  if (properties.templateLink !== undefined || properties.parametersLink !== undefined) {
    return {
      code: 'InvalidTemplateDeployment',
      message: 'The local cloud cannot download templateLink or parametersLink: send the template inline.',
    };
  }
  if (!isRecord(properties.template)) {
    return { code: 'InvalidRequestContent', message: "The deployment must have a 'template' object." };
  }
  const mode = properties.mode;
  if (mode !== 'Incremental' && mode !== 'Complete') {
    return {
      code: 'InvalidDeploymentMode',
      message: `The deployment mode '${String(mode)}' is not valid. Allowed values are 'Incremental' and 'Complete'.`,
    };
  }
  const parameters: Record<string, ArmValue> = {};
  for (const [name, entry] of Object.entries(isRecord(properties.parameters) ? properties.parameters : {})) {
    if (!isRecord(entry) || !('value' in entry)) {
      return {
        code: 'InvalidTemplate',
        message: `The value of the template parameter '${name}' must be an object with a 'value' (Key Vault references are not supported by the local cloud).`,
      };
    }
    parameters[name] = entry.value as ArmValue;
  }
  return {
    template: properties.template as ArmTemplate,
    parameters,
    mode,
    ...(typeof body.location === 'string' ? { location: body.location } : {}),
    ...(isRecord(body.tags) ? { tags: body.tags as Record<string, string> } : {}),
  };
}

/** Expands the template for the target; a template error becomes ARM's `InvalidTemplate` error. */
export function planDeployment(
  context: ArmContext,
  request: DeploymentRequest,
  target: DeploymentTarget,
): TemplateExpansion | ProviderError {
  try {
    return expandTemplate(request.template, {
      parameters: request.parameters,
      context: {
        tenantId: target.tenantId,
        subscriptionId: target.subscriptionId,
        ...(target.resourceGroup === undefined ? {} : { resourceGroup: target.resourceGroup }),
        location: target.location,
        deploymentName: target.name,
        now: new Date(context.now()),
        environment: cloudEnvironment(context),
      },
    });
  } catch (error) {
    if (!(error instanceof ArmTemplateError)) throw error;
    return {
      code: 'InvalidTemplate',
      message: `Deployment template validation failed: '${error.message}'.`,
      details: [
        { code: error.code, message: error.message, ...(error.target ? { target: error.target } : {}) },
      ],
    };
  }
}

/** `environment()` as this cloud answers it: its resource manager and authority instead of Azure's. */
function cloudEnvironment(context: ArmContext): Record<string, ArmValue> {
  return {
    name: 'LocalCloud',
    resourceManager: context.resourceManager,
    authentication: {
      loginEndpoint: context.resourceManager,
      audiences: [context.resourceManager],
      tenant: 'common',
      identityProvider: 'AAD',
    },
    suffixes: { storage: 'core.local-cloud.azpn', keyvaultDns: '.vault.local-cloud.azpn' },
  };
}

/** ARM's templateHash: a decimal number derived from the template text. */
export function templateHash(template: ArmTemplate): string {
  const digest = createHash('sha256').update(JSON.stringify(template)).digest();
  return digest.readBigUInt64BE(0).toString();
}

const armTypeNames: Record<string, string> = {
  string: 'String',
  securestring: 'SecureString',
  int: 'Int',
  bool: 'Bool',
  array: 'Array',
  object: 'Object',
  secureobject: 'SecureObject',
};

function inferredType(value: unknown): string {
  if (typeof value === 'string') return 'String';
  if (typeof value === 'number') return 'Int';
  if (typeof value === 'boolean') return 'Bool';
  if (Array.isArray(value)) return 'Array';
  return 'Object';
}

/** An ARM type name from a declaration, or from the value where the declaration names a user-defined type. */
function typeName(declared: string | undefined, value: unknown): string {
  return (declared && armTypeNames[declared.toLowerCase()]) || inferredType(value);
}

/** The parameters as the deployment GET reports them: secure ones without their value. */
export function reportedParameters(
  request: DeploymentRequest,
): Record<string, { type: string; value?: unknown }> {
  const declared = request.template.parameters ?? {};
  const result: Record<string, { type: string; value?: unknown }> = {};
  for (const [name, definition] of Object.entries(declared)) {
    const value = name in request.parameters ? request.parameters[name] : definition.defaultValue;
    const type = typeName(definition.type, value);
    result[name] = type.startsWith('Secure') || value === undefined ? { type } : { type, value };
  }
  return result;
}

/** The outputs as the deployment GET reports them: each with its type, secure ones without their value. */
export function reportedOutputs(
  template: ArmTemplate,
  values: Record<string, ArmValue>,
): Record<string, { type: string; value?: unknown }> {
  const result: Record<string, { type: string; value?: unknown }> = {};
  for (const [name, value] of Object.entries(values)) {
    const type = typeName(template.outputs?.[name]?.type, value);
    result[name] = type.startsWith('Secure') ? { type } : { type, value };
  }
  return result;
}

/** A parameter, output or type definition in a template (the JSON schema-like shape ARM uses). */
export interface TypeDefinition {
  type?: string;
  $ref?: string;
  allowedValues?: unknown[];
  minLength?: number;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  nullable?: boolean;
  items?: TypeDefinition | false;
  prefixItems?: TypeDefinition[];
  properties?: Record<string, TypeDefinition>;
  additionalProperties?: TypeDefinition | boolean;
  discriminator?: { propertyName: string; mapping: Record<string, TypeDefinition> };
  sealed?: boolean;
  metadata?: Record<string, unknown>;
}

/** A parameter declaration. */
export interface ParameterDefinition extends TypeDefinition {
  defaultValue?: unknown;
}

/** A resource declaration as it appears in a template. */
export interface ResourceDefinition {
  type: string;
  apiVersion?: string;
  name: string;
  condition?: unknown;
  copy?: { name: string; count: unknown; mode?: unknown; batchSize?: unknown };
  dependsOn?: string[];
  existing?: boolean;
  scope?: string;
  subscriptionId?: string;
  resourceGroup?: string;
  properties?: Record<string, unknown>;
  resources?: ResourceDefinition[];
  [key: string]: unknown;
}

/** An output declaration. */
export interface OutputDefinition extends TypeDefinition {
  value?: unknown;
  condition?: unknown;
  copy?: { count: unknown; input: unknown };
}

/** An ARM deployment template, classic or `languageVersion: "2.0"`. */
export interface ArmTemplate {
  $schema?: string;
  languageVersion?: string;
  contentVersion?: string;
  metadata?: Record<string, unknown>;
  definitions?: Record<string, TypeDefinition>;
  functions?: {
    namespace: string;
    members: Record<string, { parameters?: { name: string }[]; output: { type?: string; value: unknown } }>;
  }[];
  parameters?: Record<string, ParameterDefinition>;
  variables?: Record<string, unknown>;
  resources?: ResourceDefinition[] | Record<string, ResourceDefinition>;
  outputs?: Record<string, OutputDefinition>;
  /** Bicep extensions (`extension kubernetes …`), by alias; `imports` is the older form. */
  extensions?: Record<string, unknown>;
  imports?: Record<string, unknown>;
}

/** ARM error codes the engine reports, with the meaning ARM gives them. */
export type ArmErrorCode =
  | 'InvalidTemplate'
  | 'InvalidTemplateParameter'
  | 'MissingParameterValue'
  | 'InvalidParameterValue'
  | 'DeploymentFailed'
  | 'InvalidTemplateExpression'
  | 'RuntimeValueRequired';

/**
 * An error from evaluating an ARM template: `code` is ARM's error code, `target` names where it happened
 * (a template path such as `resources[2].properties.name`, a parameter, or an expression).
 */
export class ArmTemplateError extends Error {
  /** ARM's error code. */
  readonly code: ArmErrorCode;
  /** The template location, resource, parameter or expression at fault. */
  readonly target: string | undefined;
  /** The message without the location suffix. */
  readonly detail: string;

  constructor(code: ArmErrorCode, message: string, target?: string) {
    super(target ? `${message} (at ${target})` : message);
    this.name = 'ArmTemplateError';
    this.code = code;
    this.target = target;
    this.detail = message;
  }
}

/** Adds the template location to an error thrown deeper down, keeping the innermost target first. */
export function atLocation(error: unknown, location: string): never {
  if (error instanceof ArmTemplateError) {
    if (error.target === undefined) throw new ArmTemplateError(error.code, error.detail, location);
    throw error;
  }
  throw new ArmTemplateError('InvalidTemplate', (error as Error).message, location);
}

/** An `InvalidTemplate` error for a template language function that got wrong input. */
export function functionError(name: string, detail: string): ArmTemplateError {
  return new ArmTemplateError(
    'InvalidTemplate',
    `The template language function '${name}' ${detail}. Please see https://aka.ms/arm-functions for usage details.`,
  );
}

import type { ExpansionContext, RuntimeResolver } from './context.js';
import type { ArmValue } from './values.js';

/** A user-defined function as a template declares it. */
export interface UserFunction {
  parameters: { name: string; type?: string; $ref?: string }[];
  output: { type?: string; value: unknown };
}

/** What the resource functions need to know about the deployment's resources. */
export interface ResourceDirectory {
  /** Resolves a symbolic name, resource id or resource name to the id of a resource declared in this template. */
  lookup(nameOrId: string): DeclaredResource | undefined;
  /**
   * Every instance of the resource or module collection with this symbolic name, in copy-index order (empty for
   * a loop of no instance); undefined when the template declares no collection of that name.
   */
  collection?(symbolicName: string): DeclaredResource[] | undefined;
  /** Records that the resource being evaluated depends on the given one (implicit dependency). */
  noteDependency(resourceId: string): void;
}

/** A resource declared in the template, as far as other resources may see it before the deployment. */
export interface DeclaredResource {
  id: string;
  name: string;
  type: string;
  apiVersion: string;
  existing: boolean;
  /** For a nested deployment: its outputs, known or runtime. */
  outputs?: () => Record<string, ArmValue>;
  /** The ids a reference to this resource depends on (all of a module's resources). */
  dependencyIds: string[];
  /**
   * The body the template declares for it, when the expansion predicts state from declarations (as
   * `bicep snapshot` does); undefined otherwise or while that body is itself being evaluated.
   */
  declaredBody?: () => Record<string, ArmValue> | undefined;
}

/** Everything an expression can see: parameters, variables, loop indexes, lambda variables and the deployment. */
export class Scope {
  constructor(
    readonly context: ExpansionContext,
    readonly parameter: (name: string) => ArmValue,
    readonly variable: (name: string) => ArmValue,
    readonly functions: Map<string, UserFunction>,
    readonly resources: ResourceDirectory,
    readonly resolver: RuntimeResolver | undefined,
    readonly deploymentObject: () => ArmValue,
    readonly copyIndexes: ReadonlyMap<string, number> = new Map(),
    readonly currentCopy: string | undefined = undefined,
    readonly lambdaVariables: ReadonlyMap<string, ArmValue> = new Map(),
    readonly inFunction = false,
    /**
     * The parameter default being evaluated, the only place ARM allows `utcNow` and `newGuid`: its name and how many
     * `newGuid()` calls it made so far.
     */
    readonly parameterDefault: { site: string; guids: number } | undefined = undefined,
  ) {}

  private with(changes: Partial<Scope>): Scope {
    const next = Object.create(Scope.prototype) as Scope;
    Object.assign(next, this, changes);
    return next;
  }

  /**
   * A scope inside the copy loop `name` at `index`. Resource and output loops (`unnamed`) also become the loop
   * that `copyIndex()` without a name reads; property and variable loops are only read by name, as in ARM.
   */
  withCopyIndex(name: string, index: number, unnamed = true): Scope {
    const copyIndexes = new Map(this.copyIndexes);
    copyIndexes.set(name.toLowerCase(), index);
    return this.with({ copyIndexes, currentCopy: unnamed ? name.toLowerCase() : this.currentCopy });
  }

  /** A scope with lambda variables bound. */
  withLambdaVariables(bindings: [string, ArmValue][]): Scope {
    const lambdaVariables = new Map(this.lambdaVariables);
    for (const [name, value] of bindings) lambdaVariables.set(name, value);
    return this.with({ lambdaVariables });
  }

  /** A scope for a user-defined function body: only its own parameters, no variables or copy indexes. */
  forFunctionBody(parameter: (name: string) => ArmValue): Scope {
    return this.with({ parameter, inFunction: true, copyIndexes: new Map(), currentCopy: undefined });
  }

  /** A scope for the default value of a parameter; `site` names it in the whole deployment. */
  forParameterDefault(site: string): Scope {
    return this.with({ parameterDefault: { site, guids: 0 } });
  }

  /** A scope reading runtime state through another resolver. */
  withResolver(resolver: RuntimeResolver | undefined): Scope {
    return this.with({ resolver });
  }

  /** A scope whose resource functions report dependencies to another collector. */
  withResources(resources: ResourceDirectory): Scope {
    return this.with({ resources });
  }
}

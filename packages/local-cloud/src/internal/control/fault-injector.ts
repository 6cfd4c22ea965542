import type { FaultEffect, FaultRule, OperationType } from '../../scenario/types.js';

/** A fault rule with its remaining count. */
interface ActiveFault {
  id: number;
  rule: FaultRule;
  pattern?: RegExp;
  remaining: number;
}

/** Holds the fault rules and hands out each one's effect for as many matching calls as its count allows. */
export class FaultInjector {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  constructor(rules: FaultRule[]) {
    rules.forEach((rule) => this.add(rule));
  }

  /** Adds a rule; answers its id. */
  add(rule: FaultRule): number {
    const id = this.nextId++;
    const pattern = rule.pathPattern === undefined ? undefined : new RegExp(rule.pathPattern, 'i');
    this.faults.push({ id, rule, pattern, remaining: rule.count });
    return id;
  }

  /** The first matching rule's effect, consuming one of its count; undefined when none matches. */
  take(
    method: string,
    path: string,
    operation: OperationType,
    effectKinds: FaultEffect['kind'][],
  ): FaultEffect | undefined {
    const match = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        effectKinds.includes(f.rule.effect.kind) &&
        (f.rule.method === undefined || f.rule.method === method) &&
        (f.rule.operation === undefined || f.rule.operation === operation) &&
        (f.pattern === undefined || f.pattern.test(path)),
    );
    if (match === undefined) return undefined;
    match.remaining -= 1;
    return match.rule.effect;
  }

  /** The rules with their remaining counts. */
  list(): { id: number; remaining: number; rule: FaultRule }[] {
    return this.faults.map(({ id, remaining, rule }) => ({ id, remaining, rule }));
  }

  /** Removes every rule. */
  clear(): void {
    this.faults = [];
  }
}

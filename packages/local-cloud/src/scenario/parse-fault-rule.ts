import { ScenarioError, choiceAt, numberAt, objectAt, onlyKeys, optionalStringAt } from './fields.js';
import type { FaultEffect, FaultRule, OperationType } from './types.js';

/** Validates one fault rule (from a scenario file or the admin API); `path` names it in errors. */
export function parseFaultRule(value: unknown, path: string): FaultRule {
  const fields = objectAt(value, path);
  onlyKeys(fields, path, [
    'method',
    'operation',
    'pathPattern',
    'count',
    'status',
    'retryAfterSeconds',
    'reset',
    'slowLongRunningMs',
    'failLongRunning',
  ]);
  const pathPattern = optionalStringAt(fields, 'pathPattern', `${path}.`);
  if (pathPattern !== undefined) {
    try {
      new RegExp(pathPattern, 'i');
    } catch {
      throw new ScenarioError(
        `Scenario field '${path}.pathPattern' is not a valid regular expression: ${pathPattern}`,
      );
    }
  }
  return {
    method: optionalStringAt(fields, 'method', `${path}.`)?.toUpperCase(),
    operation:
      fields.operation === undefined
        ? undefined
        : choiceAt<OperationType>(fields, 'operation', `${path}.`, ['read', 'write', 'longRunning', 'token']),
    pathPattern,
    count: numberAt(fields, 'count', `${path}.`, 1, 1),
    effect: parseEffect(fields, path),
  };
}

function parseEffect(fields: Record<string, unknown>, path: string): FaultEffect {
  const given = ['status', 'reset', 'slowLongRunningMs', 'failLongRunning'].filter(
    (key) => fields[key] !== undefined,
  );
  if (given.length !== 1) {
    throw new ScenarioError(
      `Scenario fault '${path}' must set exactly one of status, reset, slowLongRunningMs or failLongRunning (found ${given.join(', ') || 'none'}).`,
    );
  }
  if (fields.failLongRunning !== undefined) {
    const failure = objectAt(fields.failLongRunning, `${path}.failLongRunning`);
    onlyKeys(failure, `${path}.failLongRunning`, ['code', 'message']);
    const code = optionalStringAt(failure, 'code', `${path}.failLongRunning.`);
    const message = optionalStringAt(failure, 'message', `${path}.failLongRunning.`);
    if (!code || !message) {
      throw new ScenarioError(`Scenario field '${path}.failLongRunning' needs a code and a message.`);
    }
    return { kind: 'failedLongRunning', code, message };
  }
  if (fields.reset !== undefined) {
    if (fields.reset !== true) throw new ScenarioError(`Scenario field '${path}.reset' must be true.`);
    return { kind: 'reset' };
  }
  if (fields.slowLongRunningMs !== undefined) {
    return { kind: 'slowLongRunning', durationMs: numberAt(fields, 'slowLongRunningMs', `${path}.`, 0, 0) };
  }
  const status = numberAt(fields, 'status', `${path}.`, 0);
  if (![429, 500, 502, 503, 504].includes(status)) {
    throw new ScenarioError(
      `Scenario field '${path}.status' must be 429, 500, 502, 503 or 504 (found ${status}).`,
    );
  }
  const retryAfterSeconds =
    fields.retryAfterSeconds === undefined ? undefined : numberAt(fields, 'retryAfterSeconds', `${path}.`, 0);
  return { kind: 'status', status: status as 429, retryAfterSeconds };
}

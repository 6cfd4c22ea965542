/**
 * Compile-time template expressions, applied to the YAML before anything runs, as Azure Pipelines does when it
 * expands a pipeline: `${{ parameters.x }}` and `${{ variables.x }}` values (a value that is one expression keeps
 * its type), and conditional insertion with `${{ if … }}:`, `${{ elseif … }}:` and `${{ else }}:` in mappings
 * and lists. `${{ each }}` and `template:` references are refused.
 */
import { azureFunctions, substituteTemplate } from '../expressions/azure-expressions.js';
import { evaluate, type Scope } from '../expressions/evaluate.js';
import { parseExpression } from '../expressions/syntax.js';
import { truthy, type Value } from '../expressions/values.js';
import { PipelineRefusedError } from './pipeline-errors.js';

const directive = /^\$\{\{\s*(if|elseif|else|each|insert)\b(.*?)\}\}$/;

/** The template scope: runtime parameters and compile-time variables. */
export function templateScope(parameters: Record<string, Value>, variables: Record<string, Value>): Scope {
  return { where: 'template expression', contexts: { parameters, variables }, functions: azureFunctions };
}

type Branch = { taken: boolean | undefined };

function condition(kind: string, rest: string, scope: Scope, chain: Branch, where: string): boolean {
  if (kind === 'each' || kind === 'insert') {
    throw new PipelineRefusedError(
      `${where}: \${{ ${kind} }} is not supported by the executor; write the items out.`,
    );
  }
  if (kind === 'if') {
    chain.taken = truthy(evaluate(parseExpression(rest.trim()), scope));
    return chain.taken;
  }
  if (chain.taken === undefined)
    throw new PipelineRefusedError(`${where}: \${{ ${kind} }} without an \${{ if }} before it.`);
  if (chain.taken) return false;
  const result = kind === 'else' ? true : truthy(evaluate(parseExpression(rest.trim()), scope));
  chain.taken = result;
  return result;
}

function expandMapping(node: Record<string, unknown>, scope: Scope, where: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const chain: Branch = { taken: undefined };
  for (const [key, value] of Object.entries(node)) {
    const match = directive.exec(key.trim());
    if (!match) {
      chain.taken = undefined;
      result[String(expandTemplates(key, scope, where))] = expandTemplates(value, scope, `${where}.${key}`);
      continue;
    }
    if (condition(match[1]!, match[2]!, scope, chain, where)) {
      Object.assign(result, expandTemplates(value, scope, where) as Record<string, unknown>);
    }
  }
  return result;
}

function expandList(node: unknown[], scope: Scope, where: string): unknown[] {
  const result: unknown[] = [];
  const chain: Branch = { taken: undefined };
  for (const [index, item] of node.entries()) {
    const keys = item && typeof item === 'object' && !Array.isArray(item) ? Object.keys(item) : [];
    const match = keys.length === 1 ? directive.exec(keys[0]!.trim()) : null;
    if (!match) {
      chain.taken = undefined;
      if (keys.includes('template')) {
        throw new PipelineRefusedError(
          `${where}[${index}]: template references are not supported by the executor.`,
        );
      }
      result.push(expandTemplates(item, scope, `${where}[${index}]`));
      continue;
    }
    if (condition(match[1]!, match[2]!, scope, chain, `${where}[${index}]`)) {
      const inserted = expandTemplates(
        (item as Record<string, unknown>)[keys[0]!],
        scope,
        `${where}[${index}]`,
      );
      result.push(...(Array.isArray(inserted) ? inserted : [inserted]));
    }
  }
  return result;
}

/** Expands every template expression in a YAML tree. */
export function expandTemplates(node: unknown, scope: Scope, where = 'pipeline'): unknown {
  if (typeof node === 'string')
    return node.includes('${{') ? substituteTemplate(node, { ...scope, where }) : node;
  if (Array.isArray(node)) return expandList(node, scope, where);
  if (node && typeof node === 'object') return expandMapping(node as Record<string, unknown>, scope, where);
  return node;
}

import { markdownHeading, markdownTable, type Platform } from '@azpn/core';
import { redactedValue } from '@azpn/whatif';
import type { DeployConfig } from './config.js';

/** An output as the finished deployment reports it. */
export interface DeploymentOutput {
  type?: string;
  value?: unknown;
}

/** How each published output was published. */
export interface PublishedOutput {
  name: string;
  value: string;
  /** Masked: named in masked-outputs, or carrying a secure value. */
  secret: boolean;
}

/**
 * Publishes the deployment's outputs: secure ones never; masked ones, and those that carry a secure parameter
 * without being declared secure (`carriers`), as secrets, with a warning for the latter.
 */
export function publishOutputs(
  platform: Platform,
  config: DeployConfig,
  outputs: Record<string, DeploymentOutput>,
  carriers: readonly string[],
): PublishedOutput[] {
  const published: PublishedOutput[] = [];
  const carrying = new Set(carriers.map((n) => n.toLowerCase()));
  const masked = new Set(config.maskedOutputs.map((n) => n.toLowerCase()));
  for (const [name, output] of Object.entries(outputs)) {
    if (/^secure/i.test(output.type ?? '') || output.value === undefined) continue;
    const value = typeof output.value === 'string' ? output.value : JSON.stringify(output.value);
    const carries = carrying.has(name.toLowerCase());
    if (carries)
      platform.log.warning(
        `Output ${name} carries a secure parameter but is not declared secure: it is published as a secret; declare it @secure() or stop outputting the value.`,
      );
    const secret = carries || masked.has(name.toLowerCase());
    platform.outputs.set(name, value, { secret });
    published.push({ name, value, secret });
  }
  return published;
}

/** The summary's table of published outputs; secret ones are shown redacted. */
export function outputsTable(published: readonly PublishedOutput[]): string {
  return (
    markdownHeading('Outputs', 3) +
    markdownTable(
      ['output', 'value'],
      published.map((o) => [o.name, o.secret ? redactedValue : o.value.replaceAll('\n', ' ')]),
    )
  );
}

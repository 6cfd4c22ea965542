import {
  input,
  markdownHeading,
  markdownTable,
  mermaidBlock,
  parseInputs,
  progressReporter,
  runStep,
  type Platform,
} from '@azpn/core';
import { resolveCloud } from '@azpn/azure';

/**
 * The template action: every port once. New actions copy this shape: parse inputs into a typed config,
 * do the work through the platform, report through outputs and the summary, and fail in one place.
 */
const inputs = {
  name: input.string('name', {
    required: 'who to greet, such as "octocat"',
    pattern: /^[\w .-]{1,64}$/,
    rule: 'use 1 to 64 letters, digits, spaces, dots, dashes or underscores',
  }),
  count: input.integer('greeting-count', { default: 1, min: 1, max: 5 }),
  token: input.optionalString('token'),
  shout: input.boolean('shout', { default: false }),
  connection: input.optionalString('connection'),
  cloud: input.optionalString('cloud'),
};

export type SampleConfig = ReturnType<typeof readConfig>;

/** Parses every input once; the first bad one throws its sentence before anything happens. */
export function readConfig(platform: Platform) {
  return parseInputs(platform.inputs, inputs);
}

/** The greeting lines the action emits. Pure, so it is tested without a platform. */
export function greetings(config: Pick<SampleConfig, 'name' | 'count' | 'shout'>): string[] {
  const line = `Hello, ${config.name}!`;
  return Array.from(
    { length: config.count },
    (_, i) => `${i + 1}. ${config.shout ? line.toUpperCase() : line}`,
  );
}

/**
 * Azure DevOps hands service connections to tasks: authorization parameters and endpoint data. The sample
 * reports one of each; GitHub hands none, so there the sample warns and goes on.
 */
function reportConnection(platform: Platform, connection: string): void {
  const endpoint = platform.serviceConnection('connection');
  if (!endpoint) {
    platform.log.warning(`Service connection ${connection} was not handed to this step; skipping it.`);
    return;
  }
  platform.outputs.set('connection-scheme', endpoint.scheme);
  platform.outputs.set('connection-tenant', endpoint.parameters.tenantid ?? '');
  platform.outputs.set('connection-subscription', endpoint.data.subscriptionid ?? '');
}

/** The main step. */
export async function run(platform: Platform): Promise<void> {
  await runStep(platform, async () => {
    const config = readConfig(platform);
    if (config.token) platform.secrets.mask(config.token);
    const progress = progressReporter(platform.log, platform.now);
    const lines = await platform.log.group('Greeting', async () => {
      const result = greetings(config);
      for (const line of result) platform.log.info(line);
      return result;
    });
    progress(`greeted ${config.name} ${lines.length} time(s)`);
    platform.outputs.set('greeting', lines.join('\n'));
    if (config.token) platform.outputs.set('token-echo', config.token, { secret: true });
    if (config.connection) reportConnection(platform, config.connection);
    if (config.cloud) {
      // The one network call of the sample: the cloud's own description of its endpoints.
      const cloud = await resolveCloud(config.cloud);
      progress(`resolved cloud ${cloud.name}`);
      platform.outputs.set('resource-manager', cloud.resourceManager);
      platform.outputs.set('authority-host', cloud.authorityHost);
    }
    platform.state.save('greeted', config.name);
    await platform.summary.append(
      markdownHeading('Sample action') +
        markdownTable(
          ['#', 'greeting'],
          lines.map((line, i) => [String(i + 1), line.replace(/^\d+\. /, '')]),
        ) +
        mermaidBlock(`flowchart LR\n  main[main step] -->|state: greeted| post[post step]`),
    );
  });
}

import { setTimeout as sleep } from 'node:timers/promises';
import {
  markdownHeading,
  markdownTable,
  progressReporter,
  runStep,
  UserFacingError,
  type Platform,
} from '@azpn/core';
import { openAzure, toUserFacingError } from '@azpn/azure';
import { readEndpointDnsConfig } from './config.js';
import { endpointAddresses } from './endpoint-addresses.js';
import { upsertARecord, type RecordOutcome } from './record-upsert.js';
import { privateDnsClient } from '@azpn/azure/clients/private-dns';

/** The main step: the endpoint's addresses → the zone's A records, etag-safe, writing nothing when current. */
export async function run(platform: Platform): Promise<void> {
  await runStep(platform, async () => {
    const config = readEndpointDnsConfig(platform);
    const progress = progressReporter(platform.log, platform.now);
    try {
      const azure = await openAzure(platform, config.connection);
      const addresses = await endpointAddresses(azure, config.endpoint);
      progress(`private endpoint ${config.endpoint.name}: ${addresses.join(', ')}`);
      await azure
        .client(privateDnsClient, config.zone.subscriptionId)
        .privateZones.get(config.zone.resourceGroup, config.zone.name)
        .catch((error: unknown) => {
          if ((error as { statusCode?: number }).statusCode === 404) {
            throw new UserFacingError(
              `The private DNS zone ${config.zone.name} does not exist in resource group ${config.zone.resourceGroup} of subscription ${config.zone.subscriptionId}: check zone, zone-resource-group and zone-subscription-id.`,
            );
          }
          throw error;
        });
      const outcomes: RecordOutcome[] = [];
      for (const name of config.records) {
        const outcome = await upsertARecord(azure, config.zone, name, addresses, {
          ttl: config.ttl,
          prune: config.prune,
          pause: (ms) => sleep(ms),
        });
        progress(
          `${outcome.fqdn} ${outcome.changed ? 'written' : 'already current'}: ${outcome.addresses.join(', ')}`,
        );
        outcomes.push(outcome);
      }
      const changed = outcomes.some((o) => o.changed);
      platform.outputs.set('ips', addresses.join(','));
      platform.outputs.set('fqdns', outcomes.map((o) => o.fqdn).join(','));
      platform.outputs.set('changed', String(changed));
      await platform.summary.append(
        markdownHeading(`DNS for private endpoint ${config.endpoint.name}`) +
          markdownTable(
            ['record', 'addresses', 'result'],
            outcomes.map((o) => [
              o.fqdn,
              o.addresses.join(', '),
              o.changed ? `written (attempt ${o.attempts})` : 'already current',
            ]),
          ),
      );
    } catch (error) {
      throw toUserFacingError(error);
    }
  });
}

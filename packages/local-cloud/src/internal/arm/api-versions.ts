import type { Exchange, Reply } from '../http/exchange.js';
import { armError } from './arm-error.js';

/** The Microsoft.Resources api-versions ARM accepts for resource groups, resources and operation results. */
export const resourcesApiVersions = [
  '2026-06-01',
  '2025-04-01',
  '2025-03-01',
  '2024-11-01',
  '2024-07-01',
  '2024-03-01',
  '2023-07-01',
  '2022-09-01',
  '2021-04-01',
  '2021-01-01',
  '2020-10-01',
  '2020-06-01',
  '2019-10-01',
  '2019-08-01',
  '2019-07-01',
  '2019-05-10',
  '2019-05-01',
  '2019-03-01',
  '2018-05-01',
  '2018-02-01',
  '2017-05-10',
  '2016-09-01',
  '2016-07-01',
  '2016-02-01',
  '2015-11-01',
];

/**
 * The api-versions of the subscription and tenant reads (`GET /subscriptions`, `/subscriptions/{id}`, `/tenants`):
 * those of Microsoft.Resources' subscriptions spec (what azure-cli and the subscriptions SDKs send) and the
 * resources versions, which ARM accepts there too.
 */
export const subscriptionsApiVersions = [
  ...new Set([
    '2022-12-01',
    '2021-01-01',
    '2020-01-01',
    '2019-11-01',
    '2019-06-01',
    '2018-06-01',
    '2016-06-01',
    '2015-11-01',
    ...resourcesApiVersions,
  ]),
].sort((a, b) => b.localeCompare(a));

const wellFormed = /^\d{4}-\d{2}-\d{2}(-preview|-beta|-alpha|-privatepreview)?$/;

/** ARM's answer to a call without an api-version. */
export function missingApiVersion(): Reply {
  return armError(
    400,
    'MissingApiVersionParameter',
    'The api-version query parameter (?api-version=) is required for all requests.',
  );
}

/**
 * Checks the api-version query parameter of a call ARM answers itself: absent → MissingApiVersionParameter, not one
 * `supported` lists (or malformed when `supported` is undefined, for providers the cloud serves generically) →
 * InvalidApiVersionParameter.
 */
export function checkApiVersion(exchange: Exchange, supported: string[] | undefined): Reply | undefined {
  const version = exchange.query.get('api-version');
  if (version === null || version === '') return missingApiVersion();
  const accepted = supported === undefined ? wellFormed.test(version) : supported.includes(version);
  if (!accepted) {
    const list = supported === undefined ? 'a date such as 2024-11-01' : `'${supported.join(',')}'`;
    return armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${version}' is invalid. The supported versions are ${list}.`,
    );
  }
  return undefined;
}

/**
 * Checks the api-version of a call ARM forwards to a resource provider: absent → MissingApiVersionParameter; one the
 * provider does not register for the type → NoRegisteredProviderFound, in ARM's words.
 */
export function checkProviderApiVersion(
  exchange: Exchange,
  type: string,
  supported: string[],
  locations: string[],
): Reply | undefined {
  const version = exchange.query.get('api-version');
  if (!version) return missingApiVersion();
  if (supported.includes(version)) return undefined;
  return armError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${locations[0]}' and API version '${version}' for type '${type.split('/').slice(1).join('/')}'. The supported api-versions are '${supported.join(', ')}'. The supported locations are '${locations.join(', ')}'.`,
  );
}

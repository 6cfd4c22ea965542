import type { Exchange, Reply } from '../http/exchange.js';
import { armError } from '../arm/arm-error.js';

/** Microsoft.Network api-versions the cloud accepts for the types it emulates. */
export const networkApiVersions = [
  '2025-05-01',
  '2025-01-01',
  '2024-10-01',
  '2024-07-01',
  '2024-05-01',
  '2024-03-01',
  '2024-01-01',
  '2023-11-01',
  '2023-09-01',
  '2023-06-01',
  '2023-05-01',
  '2023-04-01',
  '2023-02-01',
  '2022-11-01',
  '2022-09-01',
  '2022-07-01',
  '2022-05-01',
  '2022-01-01',
  '2021-08-01',
  '2021-05-01',
  '2021-03-01',
  '2021-02-01',
  '2020-11-01',
  '2020-08-01',
];

/** ARM's answers for a missing api-version, or one the provider does not have (NoRegisteredProviderFound). */
export function checkNetworkApiVersion(
  exchange: Exchange,
  type: string,
  locations: string[],
): Reply | undefined {
  const version = exchange.query.get('api-version');
  if (!version) {
    return armError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  if (networkApiVersions.includes(version)) return undefined;
  return armError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${locations[0]}' and API version '${version}' for type '${type.split('/').slice(1).join('/')}'. The supported api-versions are '${networkApiVersions.join(', ')}'. The supported locations are '${locations.join(', ')}'.`,
  );
}

import type { Platform } from '@azpn/core';
import { openAzure, toUserFacingError, type AzureConnection, type OpenAzure } from '@azpn/azure';

/**
 * Signs in (unless the caller already has `azure`) and runs `work`; any failure becomes one sentence with the last
 * response's correlation id.
 */
export async function withAzure<T>(
  platform: Platform,
  connection: AzureConnection,
  work: (azure: OpenAzure) => Promise<T>,
  opened?: OpenAzure,
): Promise<T> {
  let azure: OpenAzure | undefined = opened;
  try {
    azure ??= await openAzure(platform, connection);
    return await work(azure);
  } catch (error) {
    const last = azure?.lastResponse();
    throw toUserFacingError(error, {
      ...(last?.correlationId ? { correlationId: last.correlationId } : {}),
      ...(last?.errorBody ? { errorBody: last.errorBody } : {}),
    });
  }
}

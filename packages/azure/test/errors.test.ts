import { describe, expect, it } from '@jest/globals';
import { RestError, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { AuthenticationError, CredentialUnavailableError } from '@azure/identity';
import { UserFacingError, formatFailure } from '@azpn/core';
import { armErrorCauses, describeAzureError, formatAzureError, toUserFacingError } from '../src/index.js';
import { FederatedAssertionError, readAssertionClaims } from '../src/internal/assertion.js';
import { unsignedJwt } from './support/server.js';

const rg = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-net';

/** A DeploymentFailed body as ARM returns it: the provider's whole error body JSON-encoded in details[].message. */
const deploymentFailed = {
  error: {
    code: 'DeploymentFailed',
    target: `${rg}/providers/Microsoft.Resources/deployments/forwarder`,
    message:
      'At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.',
    details: [
      {
        code: 'BadRequest',
        message: JSON.stringify(
          {
            error: {
              code: 'PrivateEndpointCannotBeCreatedInSubnetThatHasNetworkPoliciesEnabled',
              message: `Private endpoint ${rg}/providers/Microsoft.Network/privateEndpoints/pe-fwd cannot be created in a subnet ${rg}/providers/Microsoft.Network/virtualNetworks/spoke/subnets/pe since it has private endpoint network policies enabled.`,
              details: [],
            },
          },
          null,
          2,
        ).replace(/\n/g, '\r\n'),
      },
    ],
  },
};

/** A RestError as an SDK client raises it, with a real response object carrying ARM's headers. */
function restError(status: number, body: unknown, correlationId?: string): RestError {
  const request = createPipelineRequest({
    url: `https://management.example${rg}?api-version=2024-03-01`,
    method: 'PUT',
  });
  const headers = createHttpHeaders(correlationId ? { 'x-ms-correlation-request-id': correlationId } : {});
  const bodyAsText = JSON.stringify(body);
  return new RestError('service said no', {
    statusCode: status,
    request,
    response: { status, headers, request, bodyAsText },
  });
}

describe('ARM error bodies', () => {
  it('opens DeploymentFailed down to the JSON-in-string cause, with the correlation id from the header', () => {
    const d = describeAzureError(restError(400, deploymentFailed, '5a1c2f4e-9b7d-4c1e-8d2a-0f6b3e7a9c11'));
    expect(d.code).toBe('PrivateEndpointCannotBeCreatedInSubnetThatHasNetworkPoliciesEnabled');
    expect(d.correlationId).toBe('5a1c2f4e-9b7d-4c1e-8d2a-0f6b3e7a9c11');
    expect(d.statusCode).toBe(400);
    expect(d.sentence).toMatch(
      /^The deployment failed \(Private endpoint .*pe-fwd cannot be created in a subnet .* network policies enabled\): see the failing deployment operations/,
    );
    expect(d.details).toEqual([
      {
        code: 'PrivateEndpointCannotBeCreatedInSubnetThatHasNetworkPoliciesEnabled',
        message: expect.stringContaining('cannot be created in a subnet'),
      },
    ]);
    expect(formatAzureError(d)).toMatch(
      /\(code: PrivateEndpointCannotBeCreatedInSubnetThatHasNetworkPoliciesEnabled, correlation id: 5a1c2f4e-9b7d-4c1e-8d2a-0f6b3e7a9c11\)$/,
    );
  });

  it('gives the role advice when a deployment failed on authorization deep inside', () => {
    const inner = {
      error: {
        code: 'AuthorizationFailed',
        message: `The client '1f0e' with object id '1f0e' does not have authorization to perform action 'Microsoft.Network/privateDnsZones/write' over scope '${rg}/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      },
    };
    const body = {
      error: { ...deploymentFailed.error, details: [{ code: 'Forbidden', message: JSON.stringify(inner) }] },
    };
    const d = describeAzureError(restError(400, body));
    expect(d.code).toBe('AuthorizationFailed');
    expect(d.sentence).toBe(
      `The signed-in identity is not allowed to perform Microsoft.Network/privateDnsZones/write on ${rg}/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net: grant it a role that allows it (for example Contributor on the resource group), wait a few minutes for the assignment to apply, and re-run.`,
    );
  });

  it('lists every cause of an InvalidTemplateDeployment and says the template failed validation', () => {
    const body = {
      error: {
        code: 'InvalidTemplateDeployment',
        message:
          "The template deployment 'forwarder' is not valid according to the validation procedure. The tracking id is '0c3a'. See inner errors for details.",
        details: [
          {
            code: 'PrivateIPAddressNotInSubnet',
            message:
              'Private static IP address 10.1.0.300 does not belong to the range of subnet prefix 10.1.0.0/24.',
          },
          { code: 'InvalidResourceName', message: "Resource name 'lb fwd' is invalid.", target: 'lb fwd' },
        ],
      },
    };
    const d = describeAzureError(restError(400, body, 'c0ffee00-0000-4000-8000-000000000000'));
    expect(d.sentence).toBe(
      'The template did not pass validation (Private static IP address 10.1.0.300 does not belong to the range of subnet prefix 10.1.0.0/24): fix the template or its parameters and re-run.',
    );
    expect(d.details.map((x) => x.code)).toEqual(['PrivateIPAddressNotInSubnet', 'InvalidResourceName']);
    expect(d.details[1]?.target).toBe('lb fwd');
    const lines = formatAzureError(d).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("  - InvalidResourceName: Resource name 'lb fwd' is invalid.");
  });

  it('names the missing resource group', () => {
    const body = {
      error: { code: 'ResourceGroupNotFound', message: "Resource group 'rg-missing' could not be found." },
    };
    expect(describeAzureError(restError(404, body)).sentence).toBe(
      'Resource group rg-missing does not exist in this subscription: create it first, or check the resource-group and subscription inputs.',
    );
  });

  it('says throttled for a 429 that outlived the retries, and quotes unknown codes in the generic sentence', () => {
    const throttled = describeAzureError(
      restError(429, {
        error: { code: 'SubscriptionRequestsThrottled', message: 'Number of requests exceeded.' },
      }),
    );
    expect(throttled.sentence).toMatch(/^Azure Resource Manager throttled this subscription/);
    const unknown = describeAzureError(
      restError(409, { error: { code: 'SubnetInUse', message: 'Subnet pe is in use by nic-1.' } }),
    );
    expect(unknown.sentence).toBe(
      'Azure rejected the request (Subnet pe is in use by nic-1): fix what it names and re-run.',
    );
    expect(unknown.code).toBe('SubnetInUse');
  });

  it('opens a deployment operation statusMessage in its { status, error } and string forms', () => {
    expect(
      armErrorCauses({
        status: 'Failed',
        error: { code: 'Conflict', message: JSON.stringify({ code: 'InUse', message: 'in use' }) },
      }),
    ).toEqual([{ code: 'InUse', message: 'in use' }]);
    expect(armErrorCauses('not json')).toEqual([]);
  });

  it('reads a failed long-running operation error (no response, a code and a message)', () => {
    const lro = Object.assign(new Error('Quota exceeded for cores in westeurope.'), {
      code: 'QuotaExceeded',
    });
    const d = describeAzureError(lro, { correlationId: 'from-last-failure' });
    expect(d.sentence).toMatch(/^A quota was exceeded \(Quota exceeded for cores in westeurope\)/);
    expect(d.correlationId).toBe('from-last-failure');
  });
});

describe('sign-in failures', () => {
  const aadsts70021 =
    "AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: 'https://token.actions.githubusercontent.com'. Assertion Subject: 'repo:contoso/net:ref:refs/heads/feature'. Assertion Audience: 'api://AzureADTokenExchange'. https://docs.microsoft.com/azure/active-directory/develop/workload-identity-federation Trace ID: 3e0b Correlation ID: 7c9e6679-7425-40de-944b-e07fc1f90ae7 Timestamp: 2026-11-23 02:00:00Z";

  it('explains a federated subject mismatch with the subject the token had, from Entra ID text', () => {
    const error = new AuthenticationError(400, { error: 'invalid_client', error_description: aadsts70021 });
    const d = describeAzureError(error);
    expect(d.code).toBe('AADSTS70021');
    expect(d.correlationId).toBe('7c9e6679-7425-40de-944b-e07fc1f90ae7');
    expect(d.sentence).toBe(
      "Entra ID has no federated credential on the app registration that matches the token this job presented (subject 'repo:contoso/net:ref:refs/heads/feature', issuer 'https://token.actions.githubusercontent.com', audience 'api://AzureADTokenExchange'): add a federated credential whose subject, issuer and audience are exactly these, or run the job from the branch, environment or service connection an existing credential names.",
    );
  });

  it('uses the presented assertion claims and app id when Entra ID only says AADSTS700213', () => {
    const jwt = unsignedJwt({
      iss: 'https://vstoken.dev.azure.com/org-id',
      sub: 'sc://contoso/net/arm-prod',
      aud: 'api://AzureADTokenExchange',
    });
    const cause = new Error(
      "invalid_client: AADSTS700213: No matching federated identity record found for presented assertion subject 'sc://contoso/net/arm-prod'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.",
    );
    const d = describeAzureError(new FederatedAssertionError(cause, '6b9d-app', readAssertionClaims(jwt)));
    expect(d.code).toBe('AADSTS700213');
    expect(d.sentence).toContain(
      "on app 6b9d-app that matches the token this job presented (subject 'sc://contoso/net/arm-prod', issuer 'https://vstoken.dev.azure.com/org-id'",
    );
  });

  it('names the subject Entra ID expects when its text says it, and a case-only difference', () => {
    const jwt = unsignedJwt({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:contoso/net:environment:Production',
      aud: 'api://AzureADTokenExchange',
    });
    const cause = new Error(
      "invalid_client: AADSTS7002138: No matching federated identity record found for presented assertion subject 'repo:contoso/net:environment:Production'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison. Please make sure the federated identity credential Subject is 'repo:contoso/net:environment:production' or 'repo:contoso/net:ref:refs/heads/main'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.",
    );
    const d = describeAzureError(new FederatedAssertionError(cause, '6b9d-app', readAssertionClaims(jwt)));
    expect(d.code).toBe('AADSTS7002138');
    expect(d.sentence).toContain("presented (subject 'repo:contoso/net:environment:Production', issuer");
    expect(d.sentence).toContain(
      "; the credential expects subject 'repo:contoso/net:environment:production' or 'repo:contoso/net:ref:refs/heads/main' (they differ only in letter case, and Entra ID compares subjects exactly): run the job",
    );
  });

  it('tells an Azure CLI user to sign in first, and keeps our own sentences untouched', () => {
    const cli = new CredentialUnavailableError("ERROR: Please run 'az login' to setup account.");
    expect(describeAzureError(cli).sentence).toMatch(
      /^The Azure CLI is not signed in or not installed: add an azure\/login step/,
    );
    const ours = new UserFacingError('Do the thing.', { code: 'X', correlationId: 'y' });
    expect(toUserFacingError(ours)).toBe(ours);
    expect(describeAzureError(ours)).toMatchObject({
      sentence: 'Do the thing.',
      code: 'X',
      correlationId: 'y',
    });
  });
});

describe('network failures and unknown errors', () => {
  it('names the host that could not be reached', () => {
    const request = createPipelineRequest({ url: 'https://management.local.example/subscriptions' });
    const error = new RestError('connect ECONNREFUSED 10.0.0.1:443', { code: 'REQUEST_SEND_ERROR', request });
    const d = describeAzureError(error);
    expect(d.sentence).toBe(
      "Could not reach management.local.example (ECONNREFUSED): check the cloud input and the runner's network, proxy and DNS.",
    );
  });

  it('leaves a bug a bug: toUserFacingError returns the original error, which core reports as unexpected', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    expect(describeAzureError(bug).recognised).toBe(false);
    expect(toUserFacingError(bug)).toBe(bug);
    const converted = toUserFacingError(
      restError(
        404,
        { error: { code: 'ResourceGroupNotFound', message: "Resource group 'x' could not be found." } },
        'abc',
      ),
    );
    expect(formatFailure(converted)).toBe(
      'Resource group x does not exist in this subscription: create it first, or check the resource-group and subscription inputs. (code: ResourceGroupNotFound, correlation id: abc)',
    );
  });
});

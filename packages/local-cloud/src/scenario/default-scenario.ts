import { parseScenario } from './parse-scenario.js';
import type { Scenario } from './types.js';

/** Well-known ids of the built-in scenario, so tests and docs can name them. */
export const defaultIds = {
  tenantId: '7a3c1e2b-5d4f-4a6b-9c8d-0e1f2a3b4c5d',
  subscriptionId: '1d2e3f4a-5b6c-4d7e-8f90-a1b2c3d4e5f6',
  deployerClientId: '0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
  deployerObjectId: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
  serviceConnectionId: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
} as const;

/**
 * The scenario the cloud runs when none is given: one tenant and subscription, a `deployer` principal with a client
 * secret and federated credentials for the main branch, pull requests, the `production` environment and one ADO
 * service connection, and the GitHub jobs that mint matching tokens.
 */
export function defaultScenario(): Scenario {
  return parseScenario({
    tenants: [
      { id: defaultIds.tenantId, subscriptions: [{ id: defaultIds.subscriptionId, displayName: 'local' }] },
    ],
    principals: [
      {
        name: 'deployer',
        clientId: defaultIds.deployerClientId,
        objectId: defaultIds.deployerObjectId,
        clientSecret: 'local-cloud-deployer-secret',
        federatedCredentials: [
          { name: 'main', issuer: 'github', subject: 'repo:azpn/infra:ref:refs/heads/main' },
          { name: 'pull-requests', issuer: 'github', subject: 'repo:azpn/infra:pull_request' },
          { name: 'production', issuer: 'github', subject: 'repo:azpn/infra:environment:production' },
          { name: 'ado', issuer: 'azure-devops', subject: 'sc://local-org/local-project/azpn-deployer' },
        ],
      },
    ],
    github: {
      jobs: [
        { name: 'main', repository: 'azpn/infra', ref: 'refs/heads/main' },
        { name: 'pull-request', repository: 'azpn/infra', ref: 'refs/pull/1/merge', event: 'pull_request' },
        { name: 'production', repository: 'azpn/infra', environment: 'production' },
        { name: 'feature', repository: 'azpn/infra', ref: 'refs/heads/feature' },
      ],
    },
    azureDevOps: {
      organization: 'local-org',
      project: 'local-project',
      serviceConnections: [{ id: defaultIds.serviceConnectionId, name: 'azpn-deployer' }],
    },
  });
}

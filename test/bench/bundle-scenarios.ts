/**
 * What each action needs to reach its first outbound call, for the cold-start benchmark: valid inputs (by their
 * action.yml names), the files its workspace must hold, and for a post step the state its main step left. The
 * benchmark adds `cloud`: a resource manager URL (the first call is then the cloud's metadata request), or
 * `AzureCloud` behind a proxy it listens as (the first call is then the sign-in, through the proxy).
 */
export interface ColdStartScenario {
  inputs: Record<string, string>;
  files?: Record<string, string>;
  /** What the runner (`GITHUB_…`) or the agent (`SYSTEM_…`, `BUILD_…`) says about the run, by platform. */
  env?: { github?: Record<string, string>; ado?: Record<string, string> };
  /** State the main step saved, by name; only post steps read it. */
  state?: Record<string, string>;
  /** A step that makes no call (the sample's post) is timed to its exit instead. */
  makesNoCall?: true;
  /** A step that calls nothing on the public cloud (the sample only resolves a cloud) is timed on a URL only. */
  customCloudOnly?: true;
}

/** The main and, when the action has one, the post step's scenario. */
export interface ActionScenarios {
  main: ColdStartScenario;
  post?: ColdStartScenario;
}

const guid = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';

/** A client-secret sign-in, which needs no identity token from the platform. */
const connection = {
  auth: 'client-secret',
  'tenant-id': guid,
  'client-id': guid,
  'client-secret': 'bench-secret',
  'subscription-id': guid,
};

const containerGroup = `/subscriptions/${guid}/resourceGroups/rg-jump/providers/Microsoft.ContainerInstance/containerGroups/jb-hub`;

/** A template with no resources, for the steps that deploy or compare one. */
const emptyTemplate = JSON.stringify({
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  resources: [],
});

/** Where a run's repository and its code host are, as a runner and an agent say it. */
const codeHost = {
  github: {
    GITHUB_REPOSITORY: 'azpn/bench',
    GITHUB_API_URL: 'https://127.0.0.1:9/api/v3',
    GITHUB_SERVER_URL: 'https://127.0.0.1:9',
    GITHUB_RUN_ID: '1',
  },
  ado: {
    SYSTEM_COLLECTIONURI: 'https://127.0.0.1:9/tfs/bench/',
    SYSTEM_TEAMPROJECT: 'bench',
    BUILD_REPOSITORY_NAME: 'bench',
    BUILD_BUILDID: '1',
    SYSTEM_ACCESSTOKEN: 'bench-token',
  },
};

/** Every action's scenarios, by its folder name under actions/. */
export const coldStartScenarios: Record<string, ActionScenarios> = {
  sample: {
    main: { inputs: { name: 'bench' }, customCloudOnly: true },
    post: { inputs: { name: 'bench' }, state: { greeted: 'bench' }, makesNoCall: true },
  },
  deploy: {
    main: {
      inputs: { template: 'main.json', 'resource-group': 'rg-bench', location: 'westeurope', ...connection },
      files: { 'main.json': emptyTemplate },
    },
  },
  // The comparison of one environment: the first call is the cloud's or the sign-in's, before any issue is read.
  'drift-check': {
    main: {
      inputs: {
        environment: 'bench',
        template: 'main.json',
        'resource-group': 'rg-bench',
        'github-token': 'bench-token',
        ...connection,
      },
      files: { 'main.json': emptyTemplate },
      env: codeHost,
    },
  },
  // The sweep lists the repository's preview groups first (a pull request event is what deploy and destroy need).
  preview: {
    main: {
      inputs: { mode: 'sweep', 'dry-run': 'true', 'github-token': 'bench-token', ...connection },
      env: codeHost,
    },
  },
  'endpoint-dns': {
    main: {
      inputs: {
        'private-endpoint': 'pe-bench',
        'private-endpoint-resource-group': 'rg-net',
        zone: 'internal.net',
        'zone-resource-group': 'rg-dns',
        'record-names': 'web',
        ...connection,
      },
    },
  },
  'jumpbox-probe': {
    main: {
      inputs: {
        'jump-boxes': 'jb-hub',
        'resource-group': 'rg-jump',
        probes: '- name: web\n  http: http://10.0.0.4:8000',
        ...connection,
      },
    },
    post: {
      inputs: { 'jump-boxes': 'jb-hub', 'resource-group': 'rg-jump', ...connection },
      state: { 'jump-boxes-to-stop': JSON.stringify([{ id: containerGroup, startedAt: 0 }]) },
    },
  },
};

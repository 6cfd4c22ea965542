/**
 * The Azure DevOps stand-in, an organisation's collection at `<cloud>/tfs/{organization}/` (the layout of Azure
 * DevOps Server): the job access token is checked, location discovery answered (`_apis/connectionData`,
 * `OPTIONS _apis/{area}`, `_apis/ResourceAreas`), and each call routed by the resource location whose route template
 * its path fits, after its api-version is checked against that location's versions.
 */
import type { MountContext } from '../../cloud-plugin.js';
import { json, type Exchange, type Reply } from '../../http/exchange.js';
import { refuseApiVersion, refuseCredentials } from './devops-access.js';
import { isReply, type DevOpsCall, type DevOpsRoute } from './devops-call.js';
import { devOpsError, projectMissing, routeMissing } from './devops-errors.js';
import { areaLocations, locations, resourceAreas, templatePattern } from './devops-locations.js';
import { devOpsStateOf } from './devops-state.js';
import { pullRequestRoutes } from './pull-request-routes.js';
import { threadRoutes } from './thread-routes.js';
import { workItemRoutes } from './work-item-routes.js';

/** The path prefix the stand-in is mounted at. */
export const devOpsPrefix = '/tfs';

/** The collection URL of the organisation (`System.CollectionUri`), ending in `/`. */
export function collectionUri(context: MountContext): string {
  return `${context.baseUrl}${devOpsPrefix}/${context.azureDevOps.organization}/`;
}

const resourceAreasRoute: DevOpsRoute = {
  location: locations.resourceAreas,
  method: 'GET',
  handle: (call) => {
    const areas = resourceAreas.map((a) => ({ id: a.id, name: a.name, locationUrl: call.collection }));
    const one = areas.find((a) => a.id === call.params.areaId?.toLowerCase());
    return call.params.areaId === undefined
      ? json(200, { count: areas.length, value: areas })
      : json(200, one ?? null);
  },
};

const routes: DevOpsRoute[] = [resourceAreasRoute, ...pullRequestRoutes, ...threadRoutes, ...workItemRoutes];

/** What `connect()` reads first: who the token is and where the collection's services are. */
function connectionData(context: MountContext, collection: string): Reply {
  const identity = devOpsStateOf(context.store).buildService;
  const user = {
    id: identity.id,
    descriptor: `Microsoft.TeamFoundation.ServiceIdentity;${identity.id}`,
    providerDisplayName: identity.displayName,
    isActive: true,
    properties: {},
  };
  return json(200, {
    authenticatedUser: user,
    authorizedUser: user,
    instanceId: context.azureDevOps.organizationId,
    deploymentId: context.azureDevOps.organizationId,
    deploymentType: 'hosted',
    locationServiceData: {
      serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
      defaultAccessMappingMoniker: 'PublicAccessMapping',
      lastChangeId: 1,
      accessMappings: [
        { displayName: 'Public Access Mapping', moniker: 'PublicAccessMapping', accessPoint: collection },
      ],
    },
  });
}

/** The project a route names (by name or id), the organisation's one when it names none; or TF200016. */
function projectOf(context: MountContext, named: string | undefined): DevOpsCall['project'] | Reply {
  const { project, projectId } = context.azureDevOps;
  if (named === undefined || [project, projectId].some((p) => p.toLowerCase() === named.toLowerCase()))
    return { id: projectId, name: project };
  return projectMissing(named);
}

function parseBody(exchange: Exchange): { body: unknown } | Reply {
  if (!exchange.bodyText.trim()) return { body: undefined };
  try {
    return { body: JSON.parse(exchange.bodyText) as unknown };
  } catch {
    return devOpsError(400, 'VssRequestContentException', 'The request body is not valid JSON.');
  }
}

function serveRoute(exchange: Exchange, rest: string, context: MountContext, collection: string): Reply {
  const matched = Object.values(locations).flatMap((l) => {
    const m = templatePattern(l).exec(rest);
    return m === null ? [] : [{ location: l, params: { ...m.groups } }];
  })[0];
  if (matched === undefined) return routeMissing(exchange.method, exchange.path);
  const route = routes.find((r) => r.location === matched.location && r.method === exchange.method);
  if (route === undefined)
    return devOpsError(
      405,
      'HttpMethodNotAllowedException',
      `The requested resource does not support http method '${exchange.method}'.`,
    );
  const refused = refuseApiVersion(exchange, matched.location);
  if (refused) return refused;
  const project = projectOf(context, matched.params.project);
  if (isReply(project)) return project;
  const parsed = parseBody(exchange);
  if (isReply(parsed)) return parsed;
  const state = devOpsStateOf(context.store);
  return route.handle({
    exchange,
    state,
    now: context.now(),
    body: parsed.body,
    params: matched.params,
    collection,
    project,
  });
}

/** Answers one call under `/tfs`. */
export function serveAzureDevOpsApi(exchange: Exchange, subPath: string, context: MountContext): Reply {
  const organization = /^\/([^/]+)(\/.*)?$/.exec(subPath);
  if (
    organization === null ||
    organization[1]!.toLowerCase() !== context.azureDevOps.organization.toLowerCase()
  )
    return devOpsError(
      404,
      'OrganizationNotFoundException',
      `The organization in ${exchange.path} does not exist; the stand-in serves ${collectionUri(context)}.`,
    );
  const refused = refuseCredentials(exchange, context.azureDevOps.systemAccessToken);
  if (refused) return refused;
  const rest = organization[2] ?? '';
  const collection = collectionUri(context);
  if (/^\/_apis\/connectionData$/i.test(rest) && exchange.method === 'GET')
    return connectionData(context, collection);
  const area = /^\/_apis\/([^/]+)$/.exec(rest);
  if (area !== null && exchange.method === 'OPTIONS') {
    const value = areaLocations(area[1]!);
    return value.length > 0
      ? json(200, { count: value.length, value })
      : routeMissing(exchange.method, exchange.path);
  }
  return serveRoute(exchange, rest, context, collection);
}

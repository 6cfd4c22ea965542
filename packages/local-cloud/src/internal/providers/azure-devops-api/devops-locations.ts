/**
 * How Azure DevOps clients find an API: the organisation's resource areas (`GET _apis/ResourceAreas`, reached
 * through the Location area's own descriptor, `OPTIONS _apis/Location`), then each area's resource locations
 * (`OPTIONS _apis/{area}`: id, route template and versions), from which `azure-devops-node-api` builds every URL
 * and negotiates the api-version it sends in `Accept`. The stand-in routes calls by the same descriptors.
 */

/** A resource location as `OPTIONS _apis/{area}` answers it. */
export interface ResourceLocation {
  id: string;
  area: string;
  resourceName: string;
  routeTemplate: string;
  resourceVersion: number;
  minVersion: string;
  maxVersion: string;
  releasedVersion: string;
}

/** The resource areas the stand-in serves, with the ids the clients look them up by. */
export const resourceAreas = [
  { id: 'e81700f7-3be2-46de-8624-2eb35882fcaa', name: 'Location' },
  { id: '4e080c62-fa21-4fbc-8fef-2a10a2b38049', name: 'git' },
  { id: '5264459e-e5e0-4bd8-b118-0985e68a4ec5', name: 'wit' },
] as const;

const location = (
  id: string,
  area: string,
  resourceName: string,
  routeTemplate: string,
  resourceVersion: number,
): ResourceLocation => ({
  id,
  area,
  resourceName,
  routeTemplate,
  resourceVersion,
  minVersion: '1.0',
  maxVersion: '7.2',
  releasedVersion: '7.1',
});

/** The resource locations the stand-in serves, most specific route first. */
export const locations = {
  resourceAreas: location(
    'e81700f7-3be2-46de-8624-2eb35882fcaa',
    'Location',
    'ResourceAreas',
    '_apis/{resource}/{areaId}',
    1,
  ),
  repositories: location(
    '225f7195-f9c7-4d14-ab28-a83f7ff77e1f',
    'git',
    'repositories',
    '{project}/_apis/{area}/{resource}/{repositoryId}',
    2,
  ),
  comments: location(
    '965a3ec7-5ed8-455a-bdcb-835a5ea7fe7b',
    'git',
    'comments',
    '{project}/_apis/{area}/repositories/{repositoryId}/pullRequests/{pullRequestId}/threads/{threadId}/{resource}/{commentId}',
    1,
  ),
  threads: location(
    'ab6e2e5d-a0b7-4153-b64a-a4efe0d49449',
    'git',
    'threads',
    '{project}/_apis/{area}/repositories/{repositoryId}/pullRequests/{pullRequestId}/{resource}/{threadId}',
    1,
  ),
  pullRequests: location(
    '9946fd70-0d40-406e-b686-b4744cbbcc37',
    'git',
    'pullRequests',
    '{project}/_apis/{area}/repositories/{repositoryId}/{resource}/{pullRequestId}',
    2,
  ),
  pullRequestsById: location(
    '01a46dea-7d46-4d40-bc84-319e7c260d99',
    'git',
    'pullRequests',
    '{project}/_apis/{area}/{resource}/{pullRequestId}',
    2,
  ),
  workItemComments: location(
    '608aac0a-32e1-4493-a863-b9cf4566d257',
    'wit',
    'comments',
    '{project}/_apis/{area}/workItems/{workItemId}/{resource}/{commentId}',
    4,
  ),
  workItemCreate: location(
    '62d3d110-0047-428c-ad3c-4fe872c91c74',
    'wit',
    'workItems',
    '{project}/_apis/{area}/workitems/${type}',
    3,
  ),
  workItems: location(
    '72c7ddf8-2cdc-4f60-90cd-ab71c14a399b',
    'wit',
    'workItems',
    '{project}/_apis/{area}/{resource}/{id}',
    3,
  ),
  wiql: location(
    '1a9c53f7-f243-4447-b110-35ef023636e4',
    'wit',
    'wiql',
    '{project}/{team}/_apis/{area}/{resource}/{id}',
    2,
  ),
} as const;

/** The locations of an area, as `OPTIONS _apis/{area}` lists them (Location's own included). */
export function areaLocations(area: string): ResourceLocation[] {
  return Object.values(locations).filter((l) => l.area.toLowerCase() === area.toLowerCase());
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A route template as a pattern over the path after the collection: `{area}` and `{resource}` are the location's
 * names, every other `{name}` a named segment that may be left out with its slash (the clients drop a route value
 * they do not have), `$` before a value kept literally (`workitems/${type}`). Matched regardless of case.
 */
export function templatePattern(l: ResourceLocation): RegExp {
  const parts = l.routeTemplate.split('/').map((segment) => {
    const value = /^(\$?)\{(\w+)\}$/.exec(segment);
    if (value === null) return `/${escape(segment)}`;
    const [, dollar = '', name = ''] = value;
    if (name === 'area') return `/${escape(l.area)}`;
    if (name === 'resource') return `/${escape(l.resourceName)}`;
    return dollar ? `/\\$(?<${name}>[^/]+)` : `(?:/(?<${name}>[^/]+))?`;
  });
  return new RegExp(`^${parts.join('')}$`, 'i');
}

/** An api-version as Azure DevOps reads it: `7.1`, `7.2-preview`, `7.2-preview.1`. */
export interface ApiVersion {
  text: string;
  version: number;
  preview: boolean;
  resourceVersion?: number;
}

/** The api-version of a call, from the query or the `Accept` header's `api-version=` parameter. */
export function requestedApiVersion(query: URLSearchParams, accept: string | undefined): string | undefined {
  const fromQuery = query.get('api-version');
  if (fromQuery) return fromQuery;
  return /api-version=([^;,\s]+)/i.exec(accept ?? '')?.[1];
}

/** Parses an api-version, or answers undefined when it is not one. */
export function parseApiVersion(text: string): ApiVersion | undefined {
  const match = /^(\d+\.\d+)(-preview(?:\.(\d+))?)?$/i.exec(text.trim());
  if (match === null) return undefined;
  return {
    text,
    version: Number(match[1]),
    preview: match[2] !== undefined,
    ...(match[3] !== undefined ? { resourceVersion: Number(match[3]) } : {}),
  };
}

import type { Exchange, Reply } from '../../http/exchange.js';
import type { DevOpsIdentity, DevOpsState } from './devops-state.js';
import type { ResourceLocation } from './devops-locations.js';

/** One authenticated Azure DevOps call, routed to its location. */
export interface DevOpsCall {
  exchange: Exchange;
  state: DevOpsState;
  /** The cloud's clock, in milliseconds. */
  now: number;
  /** The request body, parsed as JSON (undefined when there is none). */
  body: unknown;
  /** The route template's values (`repositoryId`, `pullRequestId`, …), those the path left out undefined. */
  params: Record<string, string | undefined>;
  /** The collection URL (`System.CollectionUri`), ending in `/`. */
  collection: string;
  project: { id: string; name: string };
}

/** A handler of one method of one resource location. */
export interface DevOpsRoute {
  location: ResourceLocation;
  method: string;
  handle(call: DevOpsCall): Reply;
}

/** An Azure DevOps time: ISO 8601 in UTC. */
export function devOpsTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** An identity as an `IdentityRef`. */
export function identityRef(call: DevOpsCall, identity: DevOpsIdentity) {
  const url = `${call.collection}_apis/Identities/${identity.id}`;
  return {
    displayName: identity.displayName,
    url,
    _links: { avatar: { href: `${call.collection}_apis/GraphProfile/MemberAvatars/${identity.id}` } },
    id: identity.id,
    uniqueName: identity.uniqueName,
    imageUrl: `${call.collection}_api/_common/identityImage?id=${identity.id}`,
    descriptor: `svc.${Buffer.from(identity.id).toString('base64url')}`,
  };
}

/** The project as a `TeamProjectReference`. */
export function projectRef(call: DevOpsCall) {
  return {
    id: call.project.id,
    name: call.project.name,
    url: `${call.collection}_apis/projects/${call.project.id}`,
    state: 'wellFormed',
    visibility: 'private',
  };
}

/** True for a reply a lookup answered instead of the record (a 404). */
export function isReply(value: object): value is Reply {
  return typeof (value as { status?: unknown }).status === 'number' || 'reset' in value;
}

/** A numeric route value, or undefined. */
export function numberParam(call: DevOpsCall, name: string): number | undefined {
  const text = call.params[name];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

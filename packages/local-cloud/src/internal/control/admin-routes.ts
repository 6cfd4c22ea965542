import type { Exchange, Reply } from '../http/exchange.js';
import { json, jsonBody } from '../http/exchange.js';
import { parseFaultRule } from '../../scenario/parse-fault-rule.js';
import { objectAt, numberAt, onlyKeys, ScenarioError } from '../../scenario/fields.js';
import { parseScenario } from '../../scenario/parse-scenario.js';
import type { Latencies } from '../../scenario/types.js';
import type { CallLog } from './call-log.js';
import type { CloudClock } from './clock.js';
import type { FaultInjector } from './fault-injector.js';
import type { RequestThrottle } from './throttle.js';
import type { ArmContext } from '../arm/arm-provider.js';
import { serveDrift } from './drift.js';
import type { CloudPlugin, MountContext } from '../cloud-plugin.js';

/** The runtime knobs the admin API turns. */
export interface AdminContext {
  token: string;
  calls: CallLog;
  faults: FaultInjector;
  throttle: RequestThrottle;
  clock: CloudClock;
  latencies: Latencies;
  /** Adds a GitHub job; answers its description (subject, request URL and token). */
  addGitHubJob: (spec: unknown) => Promise<object>;
  /** The ARM context whose store the out-of-band resource calls read and change. */
  arm: () => ArmContext;
  /** The context the plug-ins' own admin routes (`/plugins/{name}/…`) are handed. */
  mount: () => MountContext;
  /** The plug-ins the cloud serves, whose state `/plugins/{name}` answers. */
  plugins: readonly CloudPlugin[];
}

function bad(message: string): Reply {
  return json(400, { error: { code: 'InvalidAdminRequest', message } });
}

/** `GET /plugins`: the plug-ins' names; `GET /plugins/{name}`: the state a plug-in shows the admin API. */
function pluginState(context: AdminContext, name: string | undefined): Reply {
  if (name === undefined) return json(200, { value: context.plugins.map((p) => p.name) });
  const plugin = context.plugins.find((p) => p.name === name);
  if (plugin?.adminState === undefined)
    return json(404, {
      error: {
        code: 'NotFound',
        message: `The local cloud has no plug-in '${name}' with admin state; GET /_admin/plugins lists them.`,
      },
    });
  return json(200, plugin.adminState(context.arm()));
}

/**
 * The admin API under `/_admin` (bearer = the admin token): calls, faults, throttle, latencies, clock, GitHub jobs,
 * out-of-band reads and changes of stored resources (`/resources/{id}`), the plug-ins' state (`/plugins/{name}`) and
 * their own admin calls (`/plugins/{name}/…`). Bodies use the scenario file's field
 * names and are validated the same way.
 */
export async function serveAdmin(exchange: Exchange, subPath: string, context: AdminContext): Promise<Reply> {
  if (exchange.headers.authorization !== `Bearer ${context.token}`) {
    return json(401, {
      error: {
        code: 'AdminUnauthorized',
        message: 'Send the admin token from cloud.json as a bearer token.',
      },
    });
  }
  try {
    return await route(exchange, `${exchange.method} ${subPath}`, context);
  } catch (error) {
    if (error instanceof ScenarioError) return bad(error.message);
    throw error;
  }
}

/** `/plugins/{name}/…`: a call the plug-in's own admin route answers. */
async function pluginAdmin(
  exchange: Exchange,
  context: AdminContext,
  name: string,
  subPath: string,
): Promise<Reply> {
  const plugin = context.plugins.find((p) => p.name === name);
  if (plugin?.admin === undefined)
    return json(404, {
      error: {
        code: 'NotFound',
        message: `The local cloud has no plug-in '${name}' with admin calls; GET /_admin/plugins lists them.`,
      },
    });
  return plugin.admin(exchange, subPath, context.mount());
}

async function route(exchange: Exchange, call: string, context: AdminContext): Promise<Reply> {
  const ownAdmin = /^[A-Z]+ \/plugins\/([^/]+)(\/.*)$/.exec(call);
  if (ownAdmin !== null) return pluginAdmin(exchange, context, ownAdmin[1]!, ownAdmin[2]!);
  const body = jsonBody(exchange);
  const resource = /^(GET|PUT|PATCH|DELETE) \/resources(\/subscriptions\/.+)$/.exec(call);
  if (resource !== null) return serveDrift(resource[1]!, resource[2]!, body, context.arm());
  const plugin = /^GET \/plugins(?:\/([^/]+))?$/.exec(call);
  if (plugin !== null) return pluginState(context, plugin[1]);
  switch (call) {
    case 'GET /calls':
      return json(200, { value: context.calls.list() });
    case 'DELETE /calls':
      context.calls.clear();
      return { status: 204 };
    case 'GET /faults':
      return json(200, { value: context.faults.list() });
    case 'POST /faults':
      return json(201, { id: context.faults.add(parseFaultRule(body, 'fault')) });
    case 'DELETE /faults':
      context.faults.clear();
      return { status: 204 };
    case 'GET /throttle':
      return json(200, context.throttle.configuration());
    case 'PUT /throttle':
      context.throttle.configure(
        parseScenario({ tenants: [{ id: '00000000-0000-0000-0000-000000000000' }], throttle: body }).throttle,
      );
      return json(200, context.throttle.configuration());
    case 'PUT /latencies':
      Object.assign(
        context.latencies,
        parseScenario({ tenants: [{ id: '00000000-0000-0000-0000-000000000000' }], latencies: body })
          .latencies,
      );
      return json(200, context.latencies);
    case 'POST /clock': {
      const fields = objectAt(body, 'clock');
      onlyKeys(fields, 'clock', ['advanceSeconds']);
      context.clock.advance(numberAt(fields, 'advanceSeconds', 'clock.', 0, 0));
      return json(200, { now: new Date(context.clock.now()).toISOString() });
    }
    case 'POST /github/jobs':
      return json(201, await context.addGitHubJob(body));
    default:
      return json(404, {
        error: {
          code: 'NotFound',
          message: `The admin API has no '${call}'; see the LocalCloudAdmin client for the calls it offers.`,
        },
      });
  }
}

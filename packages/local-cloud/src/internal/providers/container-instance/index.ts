import type { CloudPlugin } from '../../cloud-plugin.js';
import { containerInstanceApiVersions, routeContainerInstance } from './container-instance-router.js';
import { execSessionsOf } from './exec-sessions.js';

/**
 * Microsoft.ContainerInstance: container groups in delegated subnets, their start/stop/restart, and exec, whose
 * websocket sessions it serves itself at `/_exec/{id}` (the URI the exec call hands out).
 */
export const containerInstancePlugin: CloudPlugin = {
  name: 'container-instance',
  arm: {
    namespace: 'Microsoft.ContainerInstance',
    resourceTypes: ['containerGroups'],
    apiVersions: containerInstanceApiVersions,
    defaultApiVersion: '2023-05-01',
    route: routeContainerInstance,
  },
  mount: {
    prefix: '/_exec',
    upgrade: (request, socket, head, context) =>
      execSessionsOf(context.store).handleUpgrade(request, socket, head),
  },
  stop: (store) => execSessionsOf(store).closeAll(),
};

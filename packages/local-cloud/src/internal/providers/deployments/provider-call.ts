/**
 * The deployment engine calls providers through ARM's own request path, which deployment stacks share; the code
 * lives outside the plug-in folders (`arm-calls/`), and these names stay for the engine's modules.
 */
export {
  callProvider,
  type DeploymentCaller,
  type ProviderError,
  type ProviderOutcome,
} from '../../arm-calls/call-provider.js';

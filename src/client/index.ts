/** The Vesemir API client: `new VesemirClient({ baseUrl, token })`, typed from the served OpenAPI document. */
export { DEFAULT_API_URL, VesemirClient, type VesemirClientOptions } from './client.ts';
export { ApiError, ConnectionError, WaitAborted } from './errors.ts';
export type * from './types.ts';
export {
  type DeploymentWait,
  decommissionSettled,
  isTerminalDeployment,
  type RecycleWait,
  type VmDecommissionWait,
  type VmWait,
  vmsSettled,
  type Wait,
} from './wait.ts';

import type { ActivityDeps } from './deps.ts';
import { createDeploymentActivities } from './deployment-activities.ts';
import { createHostActivities } from './host-activities.ts';

export type { ActivityDeps } from './deps.ts';

/** All activities, bound to their dependencies. Workflows import only this type. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createDeploymentActivities(deps),
    ...createHostActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

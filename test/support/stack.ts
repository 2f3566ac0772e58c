import { afterAll, beforeAll } from 'vitest';
import { type Fleet, type FleetOptions, startFleet } from '../fleet/fleet.ts';
import { startVesemir, type Vesemir } from './vesemir.ts';

/**
 * The usual world of an integration test file: a fleet, Vesemir on it and a
 * running worker, started before the file's tests and stopped after them.
 */
export function useStack(options: FleetOptions, ready: (stack: { fleet: Fleet; v: Vesemir }) => void, env: Record<string, string> = {}): void {
  let fleet: Fleet | undefined;
  let v: Vesemir | undefined;
  beforeAll(async () => {
    fleet = await startFleet(options);
    v = await startVesemir(fleet, env);
    await v.startWorker();
    ready({ fleet, v });
  }, 120_000);
  afterAll(async () => {
    await v?.close();
    await fleet?.stop();
  });
}

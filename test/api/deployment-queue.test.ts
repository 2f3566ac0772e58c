import { describe, expect, it } from 'vitest';
import { queuePlace, queuePlaces } from '../../src/api/deployment-queue.ts';
import type { DeploymentRecord } from '../../src/domain/deployment.ts';
import type { LockState } from '../../src/workflows/definitions.ts';

const turn = (id: string) => ({ workflowId: `deploy-${id}`, deploymentId: id });
const record = (id: string, status: DeploymentRecord['status'], environment = 'production'): DeploymentRecord => ({
  id,
  workflowId: `deploy-${id}`,
  application: 'shop',
  environment,
  team: 'payments',
  version: 'v2',
  requestedBy: 'ci',
  request: {},
  status,
  createdAt: new Date(0),
  loadBalancers: [],
  hosts: [],
});

describe('queuePlace', () => {
  const state: LockState = { holder: turn('d-a'), queue: [turn('d-b'), turn('d-c')] };

  it('numbers the waiting deployments from 1, each waiting for the holder', () => {
    expect(queuePlace(state, 'deploy-d-b')).toEqual({ queuePosition: 1, waitingFor: 'd-a' });
    expect(queuePlace(state, 'deploy-d-c')).toEqual({ queuePosition: 2, waitingFor: 'd-a' });
  });

  it('says 0 for the holder, nothing for a deployment the lock does not know', () => {
    expect(queuePlace(state, 'deploy-d-a')).toEqual({ queuePosition: 0, waitingFor: null });
    expect(queuePlace(state, 'deploy-d-z')).toBeUndefined();
  });

  it('without a holder, the head is next and the others wait behind it', () => {
    const free: LockState = { holder: undefined, queue: [turn('d-b'), turn('d-c')] };
    expect(queuePlace(free, 'deploy-d-b')).toEqual({ queuePosition: 1, waitingFor: null });
    expect(queuePlace(free, 'deploy-d-c')).toEqual({ queuePosition: 2, waitingFor: 'd-b' });
  });
});

describe('queuePlaces', () => {
  it('asks each lock once, only for QUEUED deployments, and leaves out a lock that does not answer', async () => {
    const asked: string[] = [];
    const places = await queuePlaces(
      [record('d-b', 'QUEUED'), record('d-c', 'QUEUED'), record('d-a', 'PAUSED'), record('d-s', 'QUEUED', 'staging')],
      async (application, environment) => {
        asked.push(`${application}/${environment}`);
        if (environment === 'staging') throw new Error('query timed out');
        return { holder: turn('d-a'), queue: [turn('d-b'), turn('d-c')] };
      },
    );
    expect(asked).toEqual(['shop/production', 'shop/staging']);
    expect(Object.fromEntries(places)).toEqual({
      'd-b': { queuePosition: 1, waitingFor: 'd-a' },
      'd-c': { queuePosition: 2, waitingFor: 'd-a' },
    });
  });
});

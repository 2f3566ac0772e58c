import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { heartbeat, whileHeartbeating } from '../../src/activities/heartbeat.ts';

async function beatsDuring(isLocal: boolean, ms: number): Promise<number> {
  const env = new MockActivityEnvironment({ isLocal });
  let beats = 0;
  env.on('heartbeat', () => beats++);
  const answer = await env.run(() => whileHeartbeating(() => new Promise((r) => setTimeout(() => r('done'), ms))));
  expect(answer).toBe('done');
  return beats;
}

describe('whileHeartbeating', () => {
  it('heartbeats each second while an activity works', async () => {
    expect(await beatsDuring(false, 2_100)).toBe(2);
  });

  it('sends nothing from a local activity, which has no heartbeat', async () => {
    expect(await beatsDuring(true, 1_100)).toBe(0);
  });
});

describe('heartbeat', () => {
  it.each([
    [false, [{ probe: 1 }]],
    [true, []],
  ])('isLocal=%s: sends %j', async (isLocal, expected) => {
    const env = new MockActivityEnvironment({ isLocal });
    const sent: unknown[] = [];
    env.on('heartbeat', (d: unknown) => sent.push(d));
    await env.run(async () => heartbeat({ probe: 1 }));
    expect(sent).toEqual(expected);
  });
});

describe('whileHeartbeating with details', () => {
  it('repeats the details last sent, so that the keep-alive beat does not blank them', async () => {
    const env = new MockActivityEnvironment();
    const sent: unknown[] = [];
    env.on('heartbeat', (d: unknown) => sent.push(d));
    await env.run(() =>
      whileHeartbeating(async () => {
        heartbeat({ probe: 7 });
        await new Promise((r) => setTimeout(r, 1_100));
      }),
    );
    expect(sent).toEqual([{ probe: 7 }, { probe: 7 }]);
  });
});

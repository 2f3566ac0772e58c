import { readFileSync } from 'node:fs';
import { msToNumber } from '@temporalio/common/lib/time.js';
import { describe, expect, it } from 'vitest';
import * as options from '../../src/workflows/activity-options.ts';

// A worker killed under a running activity is only noticed through the
// activity's heartbeat timeout, or else after its whole start-to-close
// timeout (up to 10 min: the deploy would stall that long). The worker-killed fault
// test hits this only when a kill lands in the right window; this holds it
// for every class of activity.

const classes = {
  bookkeeping: options.bookkeeping,
  quickRpc: options.quickRpc,
  sshWork: options.sshWork,
  artifactFetch: options.artifactFetch,
  discovery: options.discovery,
  healthWait: options.healthWait(600),
};

// A local activity runs inside its workflow task: a worker killed under it is
// noticed when that task times out, and the next worker runs it again.
const localClasses = {
  localBookkeeping: options.localBookkeeping,
};

describe('activity options', () => {
  it.each(Object.entries(classes))('%s: a killed worker is noticed within 10 s', (_name, o) => {
    const noticedAfterMs = msToNumber(o.heartbeatTimeout ?? o.startToCloseTimeout ?? '1h');
    expect(noticedAfterMs).toBeLessThanOrEqual(10_000);
  });

  it.each(Object.entries(localClasses))('%s: retried when it fails, with a start-to-close timeout', (_name, o) => {
    expect(o.retry?.maximumAttempts).toBeGreaterThan(1);
    expect(msToNumber(o.startToCloseTimeout ?? '0')).toBeGreaterThan(0);
  });

  it('local activities: every workflow of a recorded deploy has a workflow task timeout of at most 10 s', () => {
    const fixture = new URL('../replay/fixtures/baseline-succeeded.json', import.meta.url);
    const timeouts = [...readFileSync(fixture, 'utf8').matchAll(/"workflowTaskTimeout": "([^"]+)"/g)].map((m) => msToNumber(m[1] as `${number}s`));
    expect(timeouts.length).toBeGreaterThan(3);
    for (const ms of timeouts) expect(ms).toBeLessThanOrEqual(10_000);
  });
});

describe('a deploy that cannot start', () => {
  const bound = msToNumber(options.START_CHECKS_BOUND);
  it.each([
    ['discovery', options.discovery],
    ['artifactFetch', options.artifactFetch],
  ] as const)('%s: gives up within the bound the README states (90 s), retries included', (_name, o) => {
    expect(bound).toBe(90_000);
    expect(msToNumber(o.scheduleToCloseTimeout ?? '1h')).toBe(bound);
    expect(o.retry?.maximumAttempts).toBeGreaterThan(1);
    expect(msToNumber(o.startToCloseTimeout ?? '1h')).toBeLessThan(bound);
  });
});

describe('host steps an operator can see', () => {
  it('every step that touches a host or a load balancer is a regular activity in a recorded deploy', () => {
    const fixture = JSON.parse(readFileSync(new URL('../replay/fixtures/baseline-succeeded.json', import.meta.url), 'utf8')) as {
      workflows: { history: { events: { activityTaskScheduledEventAttributes?: { activityType: { name: string } } }[] } }[];
    };
    const scheduled = new Set(
      fixture.workflows.flatMap((w) => w.history.events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType.name ?? [])),
    );
    for (const step of ['inspectHost', 'stageRelease', 'drainHost', 'activateRelease', 'restartService', 'waitHealthy', 'enableHost']) {
      expect(scheduled, step).toContain(step);
    }
  });
});

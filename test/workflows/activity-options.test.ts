import { describe, expect, it } from 'vitest';
import { msToNumber } from '@temporalio/common/lib/time.js';
import * as options from '../../src/workflows/activity-options.ts';

// A worker killed under a running activity is only noticed through the
// activity's heartbeat timeout, or else after its whole start-to-close
// timeout (up to 10 min: a deploy stalled that long). The worker-killed fault
// test hits this only when a kill lands in the right window; this holds it
// for every class of activity.

const classes = {
  bookkeeping: options.bookkeeping,
  // A local activity dies with its workflow task; retried after that task's timeout (10 s by default).
  localBookkeeping: options.localBookkeeping,
  quickRpc: options.quickRpc,
  sshWork: options.sshWork,
  artifactFetch: options.artifactFetch,
  healthWait: options.healthWait(600),
};

describe('activity options', () => {
  it.each(Object.entries(classes))('%s: a killed worker is noticed within 10 s', (_name, o) => {
    const noticedAfterMs = msToNumber(('heartbeatTimeout' in o ? o.heartbeatTimeout : undefined) ?? o.startToCloseTimeout ?? '1h');
    expect(noticedAfterMs).toBeLessThanOrEqual(10_000);
  });
});

import type { Deployment, Host, Step } from '../../client/index.ts';

/** Seconds each host waits at reduced weight before 100% (the request's degradation); 0 when it does not. */
export function bakeSeconds(d: Deployment): number {
  const lb = d.request?.haproxy;
  return lb && lb.weight < 100 ? lb.degradationSeconds : 0;
}

/**
 * The degradation wait is a timer in the workflow, not a recorded step: from
 * the end of `enable` to the start of `full` a host shows a `bake` step, so
 * that the view moves on instead of freezing at `enable ok`.
 */
export function withBake(d: Deployment): Deployment {
  if (!bakeSeconds(d)) return d;
  return { ...d, hosts: d.hosts.map(bakedHost) };
}

function bakedHost(h: Host): Host {
  const enable = h.steps.findIndex((s) => s.name === 'enable' && s.status === 'SUCCEEDED' && s.finishedAt);
  const full = h.steps.find((s) => s.name === 'full');
  if (enable < 0 || h.steps.some((s) => s.name === 'bake') || (!full && h.status !== 'RUNNING')) return h;
  const bake: Step = {
    name: 'bake',
    status: full ? 'SUCCEEDED' : 'RUNNING',
    attempts: 1,
    startedAt: h.steps[enable]!.finishedAt!,
    finishedAt: full?.startedAt ?? null,
    error: null,
    errorType: null,
    docs: null,
    outputTail: '',
  };
  return { ...h, steps: [...h.steps.slice(0, enable + 1), bake, ...h.steps.slice(enable + 1)] };
}

/** `bake 12s/60s`: how far a host is into its degradation wait. */
export function bakeProgress(step: Step, total: number, now: number): string {
  const waited = Math.min(total, Math.max(0, Math.floor((now - Date.parse(step.startedAt)) / 1000)));
  return `bake ${waited}s/${total}s`;
}

import type { Ctx } from './context.ts';
import { ConnectionError } from './errors.ts';
import { LiveRegion } from './live.ts';
import { type Deployment, deploymentLines, isTerminal } from './render/deployment.ts';
import { progressEvents } from './render/events.ts';

/** Polls one deployment; a few failed polls in a row are tolerated (an API restart is not the deploy's end). */
async function poll(ctx: Ctx, id: string): Promise<Deployment> {
  for (let failures = 0; ; failures++) {
    try {
      return await ctx.client.get<Deployment>(`/v1/deployments/${encodeURIComponent(id)}`);
    } catch (err) {
      if (!(err instanceof ConnectionError) || failures >= 10) throw err;
      await ctx.deps.sleep(ctx.deps.pollMs);
    }
  }
}

/**
 * Follows a deployment to its end and answers its last state. On a terminal:
 * a block with a row per host redrawn in place, animated between polls.
 * Otherwise: one appended line per change, so logs and CI output read well.
 */
export async function followDeployment(ctx: Ctx, id: string): Promise<Deployment> {
  const { deps } = ctx;
  if (!deps.stdout.isTTY || ctx.json) {
    let prev: Deployment | undefined;
    for (;;) {
      const d = await poll(ctx, id);
      if (!ctx.json) ctx.print(progressEvents(prev, d, ctx.style));
      if (isTerminal(d.status)) return d;
      prev = d;
      await deps.sleep(deps.pollMs);
    }
  }
  const live = new LiveRegion(deps.stdout);
  try {
    let d = await poll(ctx, id);
    let lastPoll = deps.now();
    for (let tick = 0; ; tick++) {
      live.render(deploymentLines(d, { style: ctx.style, now: deps.now(), tick }));
      if (isTerminal(d.status)) return d;
      await deps.sleep(deps.frameMs);
      if (deps.now() - lastPoll >= deps.pollMs) {
        d = await poll(ctx, id);
        lastPoll = deps.now();
      }
    }
  } finally {
    live.done();
  }
}

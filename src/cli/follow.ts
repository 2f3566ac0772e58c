import type { Deployment } from '../client/index.ts';
import type { Ctx } from './context.ts';
import { LiveRegion } from './live.ts';
import { deploymentLines } from './render/deployment.ts';
import { progressEvents } from './render/events.ts';

/**
 * Follows a deployment to its end (the client's waitForDeployment) and
 * answers its last state. On a terminal: a block with a row per host redrawn
 * in place, animated between polls. Otherwise: one appended line per change,
 * so logs and CI output read well.
 */
export async function followDeployment(ctx: Ctx, id: string): Promise<Deployment> {
  const { deps } = ctx;
  const wait = { pollMs: deps.pollMs, sleep: (ms: number) => deps.sleep(ms) };
  if (!deps.stdout.isTTY || ctx.json) {
    return ctx.client.waitForDeployment(id, { ...wait, onProgress: (d, prev) => !ctx.json && ctx.print(progressEvents(prev, d, ctx.style)) });
  }
  const live = new LiveRegion(deps.stdout);
  let latest: Deployment | undefined;
  let tick = 0;
  const draw = () => latest && live.render(deploymentLines(latest, { style: ctx.style, now: deps.now(), tick: tick++ }));
  // Between polls the picture keeps moving: spinners turn, running durations grow.
  const animate = async (ms: number) => {
    for (const end = deps.now() + ms; deps.now() < end; draw()) await deps.sleep(deps.frameMs);
  };
  try {
    return await ctx.client.waitForDeployment(id, {
      ...wait,
      sleep: animate,
      onProgress: (d) => {
        latest = d;
        draw();
      },
    });
  } finally {
    live.done();
  }
}

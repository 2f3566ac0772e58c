import YAML from 'yaml';
import type { DryRunPlan } from '../../client/index.ts';
import type { Style } from '../style.ts';

/** A plan; a shape this CLI does not know yet (from a newer server) may lack any field. */
export type PlanJson = Partial<DryRunPlan>;

const gateText = (g: NonNullable<NonNullable<PlanJson['phases']>[number]['gate']>) =>
  [g.requireApproval ? 'wait for approve' : '', g.bakeSeconds ? `bake ${g.bakeSeconds}s` : ''].filter(Boolean).join(', ');

/** The plan as a reader wants it; a shape this CLI does not know is shown whole, as YAML. */
export function planLines(plan: PlanJson, style: Style): string[] {
  if (!plan.hosts || !plan.phases) return [style.bold('dry run: nothing was deployed'), YAML.stringify(plan).trimEnd()];
  const lines = [
    style.bold(`dry run: ${plan.application} ${plan.version} → ${plan.environment} (nothing was deployed)`),
    `  hosts          ${plan.hosts.length}  ${style.dim(plan.chefQuery ?? '')}`,
    ...(plan.wouldCreate ? [`                 ${style.yellow(plan.wouldCreate.message)}`] : []),
    ...plan.hosts.map((h) => `    ${h.name}  ${style.dim(h.address)}`),
    `  load balancers ${plan.loadBalancers?.map((l) => l.name).join(', ') || style.yellow('none found')}  ${style.dim(plan.loadBalancerQuery ?? '')}`,
    `  failure budget ${plan.maxFailedHosts ?? 0} failed host(s)${plan.autoRollback ? ', then roll back the hosts done' : ''}`,
  ];
  plan.phases.forEach((p, i) => {
    const gate = p.gate ? gateText(p.gate) : '';
    lines.push(`  phase ${i + 1}  ${p.hosts.length} host(s), ${p.window} at a time${gate ? `, then ${gate}` : ''}: ${p.hosts.join(', ')}`);
  });
  return lines;
}

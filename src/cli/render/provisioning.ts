import type { Deployment } from '../../client/index.ts';
import type { Style } from '../style.ts';

type Provisioning = NonNullable<Deployment['provisioning']>;

/** `creating 3 VMs (python, ubuntu-22.04): 2/3 READY, 1 failed`: the header's summary while a deploy creates its fleet. */
export function provisioningSummary(p: Provisioning): string {
  const failed = p.failed ? `, ${p.failed} failed` : '';
  return `creating ${p.total} VM${p.total === 1 ? '' : 's'} (${p.stack}, ${p.osVersion}): ${p.ready}/${p.total} READY${failed}`;
}

/** The line under the header of a deploy that created its fleet: what came up, what did not, and where the request is. */
export function provisioningLine(p: Provisioning, style: Style): string {
  const failed = p.vms.filter((vm) => vm.status === 'FAILED' || vm.status === 'CANCELLED').map((vm) => `${vm.name} ${vm.status}`);
  const counts = `${p.ready}/${p.total} READY`;
  const bad = failed.length ? `, ${style.red(failed.join(', '))}` : '';
  return `  VMs created first (${p.stack}, ${p.osVersion}): ${p.ready === p.total ? style.green(counts) : counts}${bad}  ${style.dim(p.requestId)}`;
}

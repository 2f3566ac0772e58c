import type { Vm as VmJson, VmList } from '../../client/index.ts';
import type { Style } from '../style.ts';
import { colorStatus } from './deployment.ts';
import { formatTime } from './format.ts';
import { table } from './table.ts';

export type { VmJson, VmList };
export type VmCounts = VmList['counts'];

export function vmTable(vms: VmJson[], style: Style): string[] {
  if (vms.length === 0) return [style.dim('no VMs')];
  return table(
    ['NAME', 'APPLICATION', 'ENVIRONMENT', 'STACK', 'OS', 'TYPE', 'STATUS', 'ADDRESS'],
    vms.map((vm) => [vm.name, vm.application, vm.environment, vm.stack, vm.osVersion, vm.machineType, colorStatus(vm.status, style), vm.address ?? '-']),
    style,
  );
}

const spread = (counts: Record<string, number> = {}) =>
  Object.entries(counts)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

export function countLines(counts: VmCounts | undefined, style: Style): string[] {
  if (!counts) return [];
  const parts = [`${counts.total} VMs`, spread(counts.byStack), spread(counts.byOsVersion)].filter(Boolean);
  return [style.dim(parts.join(' · '))];
}

const FINAL = new Set(['READY', 'FAILED', 'CANCELLED', 'DECOMMISSIONED']);

/** `  label        text`, a text of several lines (a job's log tail) indented under its first. */
function labelled(label: string, text: string): string[] {
  return text.split('\n').map((line, i) => `  ${(i === 0 ? label : '').padEnd(12)} ${line}`);
}

export function vmDetail(vm: VmJson, style: Style): string[] {
  const lines = [
    `${style.bold(vm.name)}  ${colorStatus(vm.status, style)}`,
    `  application  ${vm.application} (${vm.environment}, team ${vm.team})`,
    `  platform     ${vm.stack} on ${vm.osVersion}, ${vm.machineType}`,
    `  address      ${vm.address ?? '-'}`,
    `  request      ${vm.requestId}`,
  ];
  if (vm.jobName) lines.push(`  job          ${vm.jobName}`);
  // While a step is retried: how often, and what went wrong last.
  if (vm.attempts && !FINAL.has(vm.status)) lines.push(`  attempts     ${vm.attempts}`);
  if (vm.lastError && !FINAL.has(vm.status)) lines.push(...labelled('last error', vm.lastError).map((l) => style.yellow(l)));
  if (vm.error) lines.push(...labelled('error', vm.error).map((l) => style.red(l)));
  for (const t of vm.transitions ?? []) {
    lines.push(style.dim(`  ${formatTime(t.at)}  ${t.from ?? '·'} → ${t.to}${t.reason ? `: ${t.reason}` : ''}`));
  }
  return lines;
}

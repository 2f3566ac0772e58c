import type { Style } from '../style.ts';
import { colorStatus } from './deployment.ts';
import { formatTime } from './format.ts';
import { table } from './table.ts';

/** A VM as `GET /v1/vms/:name` answers (the fields the CLI shows). */
export interface VmJson {
  name: string;
  requestId: string;
  application: string;
  environment: string;
  team: string;
  stack: string;
  osVersion: string;
  machineType: string;
  status: string;
  address: string | null;
  error: string | null;
  createdAt: string;
  transitions?: { from: string | null; to: string; at: string; reason: string | null }[];
}

export interface VmCounts {
  total: number;
  byStack?: Record<string, number>;
  byOsVersion?: Record<string, number>;
}

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

export function vmDetail(vm: VmJson, style: Style): string[] {
  const lines = [
    `${style.bold(vm.name)}  ${colorStatus(vm.status, style)}`,
    `  application  ${vm.application} (${vm.environment}, team ${vm.team})`,
    `  platform     ${vm.stack} on ${vm.osVersion}, ${vm.machineType}`,
    `  address      ${vm.address ?? '-'}`,
    `  request      ${vm.requestId}`,
  ];
  if (vm.error) lines.push(style.red(`  error        ${vm.error}`));
  for (const t of vm.transitions ?? []) {
    lines.push(style.dim(`  ${formatTime(t.at)}  ${t.from ?? '·'} → ${t.to}${t.reason ? `: ${t.reason}` : ''}`));
  }
  return lines;
}

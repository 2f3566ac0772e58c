import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release } from 'node:os';

export interface Machine {
  nproc: number;
  cpuModel: string;
  node: string;
  kernel: string;
  /** 1-minute load average at the start and the end: other work on the box shows here. */
  loadAvgStart: number;
  loadAvgEnd?: number;
}

export function describeMachine(): Machine {
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    kernel: release(),
    loadAvgStart: loadavg()[0]!,
  };
}

export const loadNow = (): number => loadavg()[0]!;

/** This process's peak RSS so far (VmHWM), in MB. */
export function vmHwmMb(): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  return kb ? Number(kb) / 1024 : Number.NaN;
}

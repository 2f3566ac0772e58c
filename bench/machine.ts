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

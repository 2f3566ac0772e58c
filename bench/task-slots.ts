/** Task-slot figures of one worker type (ActivityWorker, WorkflowWorker, LocalActivityWorker). */
export interface SlotFigures {
  /** The most slots seen free: the worker's capacity while idle. */
  most: number;
  /** The fewest seen free during the run. */
  fewest: number;
  samples: number;
  /** Share of samples with no slot free (0..1): how long the worker was saturated. */
  saturatedShare: number;
}

/** `temporal_worker_task_slots_available{…worker_type="X"…} N` lines of an SDK exposition, summed per worker type. */
export function parseTaskSlots(exposition: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of exposition.matchAll(/^temporal_worker_task_slots_available\{([^}]*)\}\s+(\S+)/gm)) {
    const type = /worker_type="([^"]+)"/.exec(m[1]!)?.[1] ?? 'unknown';
    out.set(type, (out.get(type) ?? 0) + Number(m[2]));
  }
  return out;
}

/**
 * Scrapes the SDK's Prometheus exporter (TEMPORAL_METRICS_BIND_ADDRESS) every
 * `everyMs` until stopped, and answers the task-slot figures per worker type.
 */
export function sampleTaskSlots(metricsUrl: string, everyMs = 100): { stop(): Promise<Record<string, SlotFigures>> } {
  const seen = new Map<string, number[]>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const text = await fetch(metricsUrl, { signal: AbortSignal.timeout(2000) })
        .then((r) => r.text())
        .catch(() => '');
      for (const [type, free] of parseTaskSlots(text)) seen.set(type, [...(seen.get(type) ?? []), free]);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return Object.fromEntries(
        [...seen].map(([type, values]) => [
          type,
          {
            most: Math.max(...values),
            fewest: Math.min(...values),
            samples: values.length,
            saturatedShare: values.filter((v) => v <= 0).length / values.length,
          },
        ]),
      );
    },
  };
}

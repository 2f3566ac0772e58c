import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '../fleet/net.ts';
import { prometheusBin, RULES_FILE } from './alert-rules.ts';

export interface RunningPrometheus {
  url: string;
  /** Prometheus' /api/v1/alerts: the alerts pending or firing now. */
  alerts(): Promise<{ labels: Record<string, string>; annotations: Record<string, string>; state: 'pending' | 'firing' }[]>;
  /** An instant query's series. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  stop(): Promise<void>;
}

/** Debian's Prometheus with the shipped rules, scraping `targets` every second and evaluating every second, in its own temp dir. */
export async function startPrometheus(targets: string[]): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'vesemir-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    JSON.stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [RULES_FILE],
      scrape_configs: [{ job_name: 'vesemir', static_configs: [{ targets }] }],
    }),
  );
  const url = `http://127.0.0.1:${await freePort()}`;
  const args = [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=${url.slice(7)}`, '--log.level=warn'];
  const child: ChildProcess = spawn(prometheusBin('prometheus'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk) => {
    log = (log + String(chunk)).slice(-4000);
  });
  const api = async (path: string) => {
    const body = (await (await fetch(`${url}${path}`)).json()) as { status: string; data: unknown };
    if (body.status !== 'success') throw new Error(`${path}: ${JSON.stringify(body)}`);
    return body.data;
  };
  try {
    await waitFor(
      `Prometheus ready at ${url}`,
      async () => child.exitCode === null && (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true,
      20_000,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}; its log: ${log}`);
  }
  return {
    url,
    alerts: async () => ((await api('/api/v1/alerts')) as { alerts: Awaited<ReturnType<RunningPrometheus['alerts']>> }).alerts,
    query: async (expr) =>
      ((await api(`/api/v1/query?query=${encodeURIComponent(expr)}`)) as { result: Awaited<ReturnType<RunningPrometheus['query']>> }).result,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

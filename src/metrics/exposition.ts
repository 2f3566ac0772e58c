import type { Metrics } from './registry.ts';

/** The Prometheus text format version both prom-client and the SDK's exporter write. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface ExpositionOptions {
  /** TEMPORAL_METRICS_BIND_ADDRESS: the SDK's exporter, scraped and appended. */
  sdkBindAddress?: string | undefined;
  /** @default 2000 */
  sdkTimeoutMs?: number;
}

/** The URL to scrape an exporter bound to `host:port`; a wildcard bind is reached on loopback. */
export function sdkMetricsUrl(bindAddress: string): string {
  const cut = bindAddress.lastIndexOf(':');
  const host = bindAddress.slice(0, cut);
  const port = bindAddress.slice(cut + 1);
  const reachable = host === '0.0.0.0' || host === '::' || host === '[::]' ? '127.0.0.1' : host;
  return `http://${reachable}:${port}/metrics`;
}

/**
 * Vesemir's metrics followed by the Temporal SDK's (worker task slots,
 * poll and activity latencies...), so one scrape of /metrics sees both. The
 * SDK's exporter is proxied rather than linked because it binds its own
 * port, which compose files and firewalls then need not expose. If it does
 * not answer, our metrics still go out, with a comment saying why the rest
 * is missing and `vesemir_temporal_sdk_metrics_up 0`.
 */
export async function metricsText(metrics: Metrics, options: ExpositionOptions = {}): Promise<string> {
  const own = await metrics.registry.metrics();
  if (!options.sdkBindAddress) return own;
  const up = (value: 0 | 1) =>
    `# HELP vesemir_temporal_sdk_metrics_up Whether the Temporal SDK's exporter answered this scrape\n# TYPE vesemir_temporal_sdk_metrics_up gauge\nvesemir_temporal_sdk_metrics_up ${value}\n`;
  try {
    const res = await fetch(sdkMetricsUrl(options.sdkBindAddress), { signal: AbortSignal.timeout(options.sdkTimeoutMs ?? 2000) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const sdk = await res.text();
    return `${own}${up(1)}${sdk.endsWith('\n') || sdk === '' ? sdk : `${sdk}\n`}`;
  } catch (err) {
    const reason = (err as Error).message.replaceAll('\n', ' ');
    return `${own}# Temporal SDK metrics unavailable at ${options.sdkBindAddress}: ${reason}\n${up(0)}`;
  }
}

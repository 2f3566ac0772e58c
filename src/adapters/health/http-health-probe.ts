import type { HealthProbe } from '../../domain/ports.ts';

/** One HTTP GET with a deadline; the activity decides what counts as healthy. */
export class HttpHealthProbe implements HealthProbe {
  async get(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.text()).slice(0, 4096);
    return { status: response.status, body };
  }
}

/**
 * The API bench's clients, in a process of their own so their CPU is not
 * the API's: autocannon (Fastify's load generator) with one connection per
 * client, each sending its next request when the last one answered. Prints
 * one JSON line prefixed with API_LOAD_RESULT on stdout.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { API_LOAD_MARKER, type ApiLoadResult } from './api-latency.ts';
import { answerParent } from './child.ts';

async function load(o: {
  url: string;
  method: 'GET' | 'POST';
  body?: string | undefined;
  clients: number;
  amount?: number;
  seconds?: number;
}): Promise<ApiLoadResult> {
  const statuses: Record<string, number> = {};
  const result = await autocannon({
    url: o.url,
    method: o.method,
    connections: o.clients,
    ...(o.amount ? { amount: o.amount } : { duration: o.seconds ?? 1 }),
    ...(o.body ? { body: o.body, headers: { 'content-type': 'application/json' } } : {}),
  });
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = count ?? 0;
  if (result.errors > 0) statuses.error = result.errors;
  if (result.timeouts > 0) statuses.timeout = result.timeouts;
  return { requests: result.requests.total, p50Ms: result.latency.p50, p99Ms: result.latency.p99, maxMs: result.latency.max, statuses };
}

async function main(): Promise<ApiLoadResult> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      method: { type: 'string', default: 'POST' },
      body: { type: 'string' },
      clients: { type: 'string' },
      requests: { type: 'string' },
      'warmup-seconds': { type: 'string', default: '2' },
    },
  });
  const target = {
    url: values.url!,
    method: values.method === 'GET' ? ('GET' as const) : ('POST' as const),
    body: values.body,
    clients: Number(values.clients),
  };
  // Warm up first, for seconds rather than a few requests: the API's code paths
  // compiled and its caches filled, as in a server that has been up a while.
  await load({ ...target, seconds: Number(values['warmup-seconds']) });
  return load({ ...target, amount: Number(values.requests) });
}

answerParent(API_LOAD_MARKER, 'API load', main());

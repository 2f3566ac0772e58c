/**
 * Node flags the service runs with (package.json scripts, scripts/demo.sh,
 * the Dockerfile; test/node-options.test.ts keeps them equal).
 *
 * V8's young generation may grow to 3 × 16 MB per isolate, and the worker
 * has two (main thread, workflow thread); with short-lived garbage from
 * every workflow task it does. A 2 MB semi-space keeps it small: the
 * 1,000-host scale bench peaked at 384 MB RSS instead of 475 MB, with the
 * same wall time (101 s vs 102 s), and scavenges stayed under a millisecond.
 */
export const SERVICE_NODE_OPTIONS = '--max-semi-space-size=2';

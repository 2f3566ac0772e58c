/**
 * Node flags the service runs with, on node's command line (package.json
 * scripts, scripts/demo.sh, the Dockerfile; test/node-options.test.ts keeps
 * them equal). Not NODE_OPTIONS: node refuses `--heap-growing-percent` there.
 *
 * - `--max-semi-space-size=2`: V8's young generation may grow to 3 × 16 MB per
 *   isolate, and the worker has two (main thread, workflow thread); with
 *   short-lived garbage from every workflow task it does. 2 MB keeps it small:
 *   the 1,000-host scale bench peaked at 384 MB RSS instead of 475 MB, with the
 *   same wall time, and scavenges stayed under a millisecond.
 * - `--heap-growing-percent=30`: after each full collection the old generation
 *   may grow by 30% before the next one, instead of V8's up to 4× on a machine
 *   with much memory. The worker's live heap stays under 60 MB through a
 *   1,000-host deploy (measured with a forced collection every 5 s), but V8
 *   let garbage pile up to 150–230 MB before collecting: peak RSS 426–431 MB
 *   without this flag, 255–267 MB with it, and no slower on the 6-VM fleet
 *   (8 deploys each way, alternating).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=2', '--heap-growing-percent=30'] as const;

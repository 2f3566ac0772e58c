/**
 * Node flags the service runs with, on node's command line (package.json
 * scripts, scripts/demo.sh, the Dockerfile; test/node-options.test.ts keeps
 * them equal). Not NODE_OPTIONS: node refuses `--heap-growing-percent` there.
 *
 * - `--max-semi-space-size=2`: V8's young generation may grow to 3 × 16 MB per
 *   isolate, and the worker has two (main thread, workflow thread); with
 *   short-lived garbage from every workflow task it does. 2 MB keeps the
 *   resident size down at no cost in wall time (the bench's scale section
 *   reports peak RSS).
 * - `--heap-growing-percent=30`: after each full collection the old generation
 *   may grow by 30% before the next one, instead of V8's up to 4× on a machine
 *   with much memory. The worker's live heap is small; without the flag V8
 *   lets garbage pile up to several times that before collecting.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=2', '--heap-growing-percent=30'] as const;

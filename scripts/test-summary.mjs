// Prints the closing line `N passed, N failed, N skipped` from vitest's JSON
// report, and fails the run when anything was skipped under CI: a missing
// peer must never pass as a skip.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
const failedSuites = (report.testResults ?? []).filter((r) => r.status === 'failed' && r.assertionResults?.length === 0);
console.log(`${passed} passed, ${failed + failedSuites.length} failed, ${skipped} skipped`);
const ci = process.env.CI === 'true' || process.env.CI === '1';
if (failed > 0 || failedSuites.length > 0 || passed === 0) process.exit(1);
if (ci && skipped > 0) {
  console.error('skipped tests are failures under CI');
  process.exit(1);
}

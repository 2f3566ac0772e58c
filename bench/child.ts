import { spawn } from 'node:child_process';

/**
 * Runs a bench script in a node process of its own (tsx as a loader, so node
 * is the only process) and answers the JSON it prints after `marker` on one
 * stdout line. Its own process keeps what it does out of the measured one:
 * the scale deploy's RSS, the API load generator's CPU.
 */
export function runBenchChild<T>(
  script: string,
  args: string[],
  options: { marker: string; timeoutMs: number; what: string; nodeFlags?: readonly string[] },
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-8192);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(options.marker));
      if (code === 0 && line) resolve(JSON.parse(line.slice(options.marker.length)) as T);
      else reject(new Error(`${options.what} exited ${code ?? signal}:\n${stderr}`));
    });
  });
}

/** The child's side: prints `work`'s answer after `marker` for runBenchChild, and exits (1 with the error when it fails). */
export function answerParent(marker: string, what: string, work: Promise<unknown>): void {
  work.then(
    (result) => {
      process.stdout.write(`${marker}${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (err) => {
      process.stderr.write(`${what} failed: ${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}

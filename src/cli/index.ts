import { processDeps } from './io.ts';
import { runCli } from './program.ts';

// Ctrl-C while following: the deploy goes on server-side; give the cursor
// back (a live view hides it) and say how to pick it up again.
process.on('SIGINT', () => {
  if (process.stdout.isTTY) process.stdout.write('\x1b[?25h\n');
  process.stderr.write('stopped; the deployment goes on (vesemir status <id>)\n');
  process.exit(130);
});

process.exitCode = await runCli(process.argv.slice(2), processDeps());

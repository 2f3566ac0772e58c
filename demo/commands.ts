import { relative } from 'node:path';
import { type CliDeps, processDeps } from '../src/cli/io.ts';
import { DEFAULT_API_URL } from '../src/client/index.ts';
import { shellLine } from '../src/domain/shell.ts';

export interface DemoApp {
  name: string;
  team: string;
  environment: string;
}

/** A path as the user types it from `cwd`: relative inside it, absolute outside. */
export function displayPath(path: string, cwd: string): string {
  return path.startsWith(`${cwd}/`) ? relative(cwd, path) : path;
}

const apiArgs = (apiUrl: string) => (apiUrl === DEFAULT_API_URL ? [] : ['--api', apiUrl]);

/** `vesemir` arguments of a deploy from a request file, followed to its end. */
export function deployArgs(apiUrl: string, file: string): string[] {
  return [...apiArgs(apiUrl), 'deploy', '--file', file, '--follow'];
}

/** `vesemir` arguments of one new VM of the demo's application, on a platform of the default catalog. */
export function vmCreateArgs(apiUrl: string, app: DemoApp): string[] {
  const platform = ['--stack', 'node', '--os-version', 'debian-12', '--count', '1'];
  return [...apiArgs(apiUrl), 'vm', 'create', '--application', app.name, '--environment', app.environment, '--team', app.team, ...platform];
}

/** What the demo suggests once its deploy has ended: commands to paste, run from `cwd`. */
export function nextSteps(input: { apiUrl: string; cwd: string; deployFile: string; app: DemoApp }): string[] {
  const { apiUrl, app } = input;
  const cmd = (args: string[]) => `    npx vesemir ${shellLine(args)}`;
  return [
    '',
    `Next, in another terminal in ${input.cwd} (this one keeps the stack running):`,
    `  Deploy ${app.name} ${versionOf(input.deployFile)} (the request is in the file; flags override its fields):`,
    cmd(deployArgs(apiUrl, displayPath(input.deployFile, input.cwd))),
    '  Create a VM (a local Proctor-compatible runner boots it and registers it in Chef; the next deploy reaches it):',
    cmd(vmCreateArgs(apiUrl, app)),
    cmd([...apiArgs(apiUrl), 'vm', 'list', '--application', app.name]),
    '  Every deploy so far:',
    cmd([...apiArgs(apiUrl), 'list', '--application', app.name, '--environment', app.environment]),
    '',
    "Ctrl-C here stops everything and removes the fleet's keys and temp dirs.",
  ];
}

const versionOf = (file: string) => /-([^-/]+)\.yaml$/.exec(file)?.[1] ?? '';

/**
 * The CLI's surroundings for a command the demo runs itself: what the CLI
 * prints goes to stderr with the demo's other lines, and its waits end when
 * the demo stops (no redraw after the teardown has begun).
 */
export function demoCliDeps(signal: AbortSignal): CliDeps {
  const deps = processDeps();
  const sleep = (ms: number) => new Promise<void>((resolve) => (signal.aborted ? undefined : setTimeout(resolve, ms)));
  return { ...deps, stdout: deps.stderr, sleep };
}

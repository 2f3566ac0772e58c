import { relative } from 'node:path';
import { type CliDeps, processDeps } from '../src/cli/io.ts';
import { DEFAULT_API_URL } from '../src/client/index.ts';
import { shellLine } from '../src/domain/shell.ts';
import type { DeployFile } from './fleet.ts';

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

/** `vesemir` arguments of a redeploy with an earlier deployment's settings and a new release. */
export function redeployArgs(apiUrl: string, fromId: string, next: DeployFile): string[] {
  const release = ['--version', next.version, '--artifact-url', next.artifact.url, '--artifact-sha256', next.artifact.sha256];
  return [...apiArgs(apiUrl), 'deploy', '--from', fromId, ...release, '--follow'];
}

/**
 * What the demo suggests once its deploy has ended: commands to paste, run
 * from `cwd`. `from`: the deploy that ran, whose settings the next may take.
 */
export function nextSteps(input: { apiUrl: string; cwd: string; next: DeployFile; from?: { id: string; version: string }; app: DemoApp }): string[] {
  const { apiUrl, app, next, from } = input;
  const cmd = (args: string[]) => `    npx vesemir ${shellLine(args)}`;
  const fromLines = from
    ? [
        `  Deploy ${app.name} ${next.version} with ${from.version}'s settings (--from takes its request; give what changes):`,
        cmd(redeployArgs(apiUrl, from.id, next)),
      ]
    : [];
  return [
    '',
    `Next, in another terminal in ${input.cwd} (this one keeps the stack running):`,
    ...fromLines,
    `  ${from ? 'Or deploy' : 'Deploy'} ${app.name} ${next.version} from a request file (flags override its fields):`,
    cmd(deployArgs(apiUrl, displayPath(next.path, input.cwd))),
    '  Create a VM (a local Proctor-compatible runner boots it and registers it in Chef; the next deploy reaches it):',
    cmd(vmCreateArgs(apiUrl, app)),
    cmd([...apiArgs(apiUrl), 'vm', 'list', '--application', app.name]),
    '  Every deploy so far:',
    cmd([...apiArgs(apiUrl), 'list', '--application', app.name, '--environment', app.environment]),
    '',
    "Ctrl-C here stops everything and removes the fleet's keys and temp dirs.",
  ];
}

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

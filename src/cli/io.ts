import { replayDeployment } from '../replay.ts';

/** Where the CLI writes: a stream, or a buffer in tests. */
export interface CliOutput {
  write(text: string): void;
  isTTY: boolean;
  /** Terminal width; lines drawn in place are cut to it so they never wrap. */
  columns: number;
  rows: number;
}

/**
 * Everything the CLI takes from its surroundings, injectable so commands run
 * in-process in tests (the `options.env ?? process.env` seam, for a whole CLI).
 */
export interface CliDeps {
  env: Record<string, string | undefined>;
  stdout: CliOutput;
  stderr: CliOutput;
  /** @default replayDeployment from src/replay.ts */
  replay: typeof replayDeployment;
  /** How often --follow asks the API. @default 500 */
  pollMs: number;
  /** How often a live view redraws (spinners, running durations). @default 100 */
  frameMs: number;
  sleep(ms: number): Promise<void>;
  now(): number;
}

function streamOutput(stream: NodeJS.WriteStream): CliOutput {
  return {
    write: (text) => stream.write(text),
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns ?? 100;
    },
    get rows() {
      return stream.rows ?? 40;
    },
  };
}

export function processDeps(): CliDeps {
  return {
    env: process.env,
    stdout: streamOutput(process.stdout),
    stderr: streamOutput(process.stderr),
    replay: replayDeployment,
    pollMs: 500,
    frameMs: 100,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
  };
}

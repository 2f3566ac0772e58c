import { accessSync, constants } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';

/**
 * Wraps a command so the kernel kills it when our process dies (PR_SET_PDEATHSIG
 * through util-linux's setpriv, which then execs the command: same pid). A
 * crashed or killed parent leaves no server behind. Without setpriv the
 * command runs as it is.
 */
export function dieWithParent(command: string, args: string[]): [string, string[]] {
  try {
    accessSync(SETPRIV, constants.X_OK);
  } catch {
    return [command, args];
  }
  return [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]];
}

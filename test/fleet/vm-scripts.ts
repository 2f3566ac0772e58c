import { shellQuote } from '../../src/domain/shell.ts';

/** Where the service-control command lives inside a fake VM. */
export const SERVICE_COMMAND = '/etc/vesemir/service';

export interface ServiceScriptOptions {
  vmName: string;
  appName: string;
  address: string;
  port: number;
  /** @default process.execPath */
  nodePath?: string;
  /** How long the app answers /health with 503 after each (re)start. @default 0 */
  startupMs?: number;
}

/** The OS a fake VM says it runs when nobody asks for one. */
export const DEFAULT_OS_VERSION = 'debian-12';

const OS_NAMES: Record<string, string> = { ubuntu: 'Ubuntu', debian: 'Debian GNU/Linux' };

/**
 * `/etc/os-release` of a fake VM built from a catalog OS version such as
 * `ubuntu-22.04` or `debian-12`: the image a provisioning job was asked for,
 * as a real VM shows it.
 */
export function osReleaseText(osVersion: string): string {
  const match = /^([a-z]+)-([0-9][0-9a-z.]*)$/.exec(osVersion);
  if (!match) throw new Error(`not an OS version such as ubuntu-22.04: ${osVersion}`);
  const [, id, version] = match as unknown as [string, string, string];
  const name = OS_NAMES[id] ?? id[0]!.toUpperCase() + id.slice(1);
  return [
    `PRETTY_NAME="${name} ${version}"`,
    `NAME="${name}"`,
    `VERSION_ID="${version}"`,
    `VERSION="${version}"`,
    `ID=${id}`,
    `VESEMIR_OS_VERSION=${osVersion}`,
    '',
  ].join('\n');
}

/** `127.0.0.1:8080` as /proc/net/tcp writes it: `0100007F:1F90`. */
export function procNetTcpAddress(address: string, port: number): string {
  const octets = address.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) {
    throw new Error(`not an IPv4 address: ${address}`);
  }
  const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
  return `${octets
    .reverse()
    .map((o) => hex(o, 2))
    .join('')}:${hex(port, 4)}`;
}

/**
 * `service start|stop|restart|status` for the app of one fake VM, like an
 * init script: starts `node <install>/current/server.js` detached, pid under
 * /run. `start` waits until the process listens (≤ ~1 s) and fails with the
 * log tail when it dies first, so a broken release shows in the restart step.
 */
export function serviceScript(options: ServiceScriptOptions): string {
  const { vmName, appName, address, port } = options;
  const q = shellQuote;
  return `#!/bin/sh
# Service control for ${appName} on fake VM ${vmName}.
APP=${q(appName)}
CURRENT=${q(`/opt/${appName}/current`)}
STATE=/run/vesemir
PIDFILE="$STATE/$APP.pid"
LOG="$STATE/$APP.log"
NODE=${q(options.nodePath ?? process.execPath)}
LISTENING=${q(` ${procNetTcpAddress(address, port)} 00000000:0000 0A `)}
export APP_ADDRESS=${q(address)} APP_PORT=${port} APP_HOST=${q(vmName)} APP_STARTUP_MS=${Math.max(0, Math.trunc(options.startupMs ?? 0))}

# kill -0 succeeds on a zombie; a zombie is dead for us (state Z in /proc/PID/stat).
alive() {
  [ -n "$1" ] && [ -d "/proc/$1" ] || return 1
  ( read -r line < "/proc/$1/stat" && state=\${line##*) } && [ "\${state%% *}" != Z ] ) 2>/dev/null
}

recorded_pid() { [ -f "$PIDFILE" ] && cat "$PIDFILE"; }

start() {
  pid=$(recorded_pid)
  if alive "$pid"; then echo "$APP already running (pid $pid)"; return 0; fi
  if [ ! -f "$CURRENT/server.js" ]; then
    echo "service $APP: no release to start: $CURRENT/server.js is missing" >&2
    return 1
  fi
  mkdir -p "$STATE"
  release=$(readlink "$CURRENT")
  echo "--- starting $release" >>"$LOG"
  cd /
  setsid "$NODE" "$CURRENT/server.js" </dev/null >>"$LOG" 2>&1 &
  pid=$!
  echo "$pid" >"$PIDFILE"
  i=0
  while [ "$i" -lt 40 ]; do
    if ! alive "$pid"; then
      rm -f "$PIDFILE"
      echo "service $APP: $release died right after start (pid $pid); last log lines:" >&2
      tail -n 5 "$LOG" >&2
      return 1
    fi
    if grep -q "$LISTENING" /proc/net/tcp; then
      echo "$APP $release started (pid $pid)"
      return 0
    fi
    sleep 0.025
    i=$((i + 1))
  done
  echo "$APP $release started (pid $pid), not listening yet"
}

stop() {
  pid=$(recorded_pid)
  if ! alive "$pid"; then rm -f "$PIDFILE"; echo "$APP not running"; return 0; fi
  kill "$pid" 2>/dev/null
  i=0
  while alive "$pid"; do
    [ "$i" -eq 120 ] && kill -9 "$pid" 2>/dev/null
    if [ "$i" -ge 240 ]; then echo "service $APP: pid $pid does not stop" >&2; return 1; fi
    sleep 0.025
    i=$((i + 1))
  done
  rm -f "$PIDFILE"
  echo "$APP stopped"
}

status() {
  pid=$(recorded_pid)
  if alive "$pid"; then echo "$APP running (pid $pid, $(readlink "$CURRENT"))"; return 0; fi
  echo "$APP stopped"
  return 3
}

case "$1" in
  start) start ;;
  stop) stop ;;
  restart) stop && start ;;
  status) status ;;
  *) echo "usage: service start|stop|restart|status" >&2; exit 2 ;;
esac
`;
}

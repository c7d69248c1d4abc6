#!/usr/bin/env bash
# Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
#
# Installs the Debian packages whose binaries the halfstack (scripts/halfstack.ts) and the tests run,
# Prometheus (started by the service discovery test; promtool checks expositions), and the
# Debian Python modules the interop tests run as the Python side of a cluster (they always call
# /usr/bin/python3: a `python3` earlier on PATH may be another build without these modules).
# Idempotent: does nothing (no apt-get at all) when every binary and module is already there.
# Works as root, or with sudo.
set -euo pipefail

server_packages=(redis-server redis-sentinel etcd-server etcd-client nats-server prometheus)
binaries=(redis-server redis-sentinel etcd etcdctl nats-server prometheus promtool)
python_packages=(python3-redis python3-msgpack python3-jwt python3-zmq python3-prometheus-client python3-aiohttp)
python_modules=(redis msgpack jwt zmq prometheus_client aiohttp)
python=/usr/bin/python3

have() {
  command -v "$1" >/dev/null 2>&1 || [[ -x "/usr/sbin/$1" || -x "/usr/bin/$1" || -x "/usr/local/bin/$1" ]]
}

have_module() {
  [[ -x $python ]] && "$python" -c "import $1" >/dev/null 2>&1
}

missing_binaries() {
  local binary
  for binary in "${binaries[@]}"; do
    have "$binary" || echo "$binary"
  done
}

missing_modules() {
  local module
  for module in "${python_modules[@]}"; do
    have_module "$module" || echo "$module"
  done
}

packages=()
missing=()
mapfile -t absent_binaries < <(missing_binaries)
mapfile -t absent_modules < <(missing_modules)
if [[ ${#absent_binaries[@]} -gt 0 ]]; then
  packages+=("${server_packages[@]}")
  missing+=("${absent_binaries[@]}")
fi
if [[ ${#absent_modules[@]} -gt 0 ]]; then
  packages+=("${python_packages[@]}")
  missing+=("${absent_modules[@]/#/python:}")
fi
if [[ ${#packages[@]} -eq 0 ]]; then
  echo "install_servers: all present (${binaries[*]}; $python with ${python_modules[*]})" >&2
  exit 0
fi
echo "install_servers: missing ${missing[*]}; installing ${packages[*]}" >&2

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install_servers: not root and no sudo; install as root: apt-get install -y ${packages[*]}" >&2
  exit 1
fi

"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}"

mapfile -t still_binaries < <(missing_binaries)
mapfile -t still_modules < <(missing_modules)
if [[ ${#still_binaries[@]} -gt 0 || ${#still_modules[@]} -gt 0 ]]; then
  echo "install_servers: still missing after apt-get install: ${still_binaries[*]} ${still_modules[*]/#/python:}" >&2
  exit 1
fi
echo "install_servers: installed ${packages[*]}" >&2

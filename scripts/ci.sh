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

# The action runs on Node 24 (action.yml), the CLI on this machine's node: the whole suite runs
# here, then the suites that start dist/ (the action, its post step, the CLI) run again on Node 24.
DIST_SUITES=(action build-secrets buildkit bundle-e2e bundle-interop cache-action check cli e2e-reference e2e-registry engine-auto)
node24=""
if [ $# -eq 0 ]; then node24="$(bash scripts/node24.sh)"; fi

results="$(mktemp -t image-mirror-jest-XXXXXX.json)"
results24="$(mktemp -t image-mirror-jest24-XXXXXX.json)"
set +e
node --experimental-vm-modules node_modules/jest/bin/jest.js --ci --json --outputFile="$results" "$@"
status=$?
if [ -n "$node24" ]; then
  echo "again on Node $("$node24" --version), the runtime action.yml declares: ${DIST_SUITES[*]}" >&2
  suites=()
  for suite in "${DIST_SUITES[@]}"; do suites+=("__tests__/$suite.test.ts"); done
  "$node24" --experimental-vm-modules node_modules/jest/bin/jest.js --ci --json --outputFile="$results24" --runTestsByPath "${suites[@]}"
  status24=$?
  [ $status -ne 0 ] || status=$status24
else
  echo '{"numTotalTests":0,"numPassedTests":0,"numFailedTests":0}' > "$results24"
fi
set -e
node -e '
  const runs = process.argv.slice(1).map(file => JSON.parse(require("fs").readFileSync(file, "utf8")));
  const passed = runs.reduce((sum, r) => sum + r.numPassedTests, 0);
  const failed = runs.reduce((sum, r) => sum + r.numFailedTests + (r.numRuntimeErrorTestSuites || 0), 0);
  if (runs[0].numTotalTests === 0) { console.error("no test ran"); process.exitCode = 1 }
  console.log(`${passed} passed, ${failed} failed`);
' "$results" "$results24"
exit $status

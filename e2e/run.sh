#!/usr/bin/env bash
# Browser end-to-end tests against the fat jar: installs what they need (Debian's chromium, playwright-core from
# npm), then runs them with node's test runner. Usage: e2e/run.sh [path/to/turing-arena.jar]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$(realpath "${1:-$here/../launcher/target/turing-arena.jar}")"
[ -f "$jar" ] || { echo "e2e: no jar at $jar; build it first (mvn -B package -DskipTests)" >&2; exit 1; }

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "e2e: /usr/bin/chromium is missing; install Debian's chromium package (apt-get install chromium)" >&2
    exit 1
  fi
  echo "e2e: installing Debian's chromium"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

cd "$here"
npm ci --no-audit --no-fund --loglevel=error
ARENA_JAR="$jar" ARENA_E2E_OUT="${ARENA_E2E_OUT:-$(dirname "$jar")/e2e}" npm test

#!/usr/bin/env bash
# Takes the README's screenshot of the operator dashboard during a game in progress (docs/ops.png), with the same
# browser test that checks the dashboard. Usage: e2e/ops-screenshot.sh [path/to/turing-arena.jar]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$(realpath "${1:-$here/../launcher/target/turing-arena.jar}")"
[ -f "$jar" ] || { echo "e2e: no jar at $jar; build it first (mvn -B package -DskipTests)" >&2; exit 1; }
mkdir -p "$here/../docs"
cd "$here"
npm ci --no-audit --no-fund --loglevel=error
ARENA_JAR="$jar" ARENA_E2E_OUT="${ARENA_E2E_OUT:-$(dirname "$jar")/e2e}" \
  ARENA_OPS_SCREENSHOT="$(realpath "$here/../docs")/ops.png" node --test tests/ops.test.js

#!/usr/bin/env bash
# Benchmark: precheck + open at N concurrent customers on distinct cabinets (issue #5 target:
# p99 <= 25 ms at 200 on a 2-core machine). PostgreSQL with production durability, Release build,
# the sandbox Xiaomai confirming the unlock at once, so the figure is our server's (bench/lib.sh).
# Usage: bench/precheck-open.sh [customers=200] [cycles=5] [steady|burst]
#   steady: every customer loops scan → open → shop → close → think (see bench/CabinetOps.Bench);
#   burst: all customers precheck + open at the same instant, round after round.
# Env: BENCH_SHOP_MS (15000) / BENCH_THINK_MS (15000); and those of bench/lib.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=${1:-200}; CYCLES=${2:-5}; MODE=${3:-steady}
. bench/lib.sh
bench_start
STATUS=0
dotnet bench/CabinetOps.Bench/bin/Release/net10.0/CabinetOps.Bench.dll "$URL" "$CUSTOMERS" "$CYCLES" "$MODE" "${BENCH_SHOP_MS:-15000}" "${BENCH_THINK_MS:-15000}" || STATUS=$?
bench_rss
exit $STATUS

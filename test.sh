#!/usr/bin/env bash
# Runs every suite and ends with one line "N passed, N failed".
# Installs what is missing (apt: postgresql, chromium, fonts-noto-cjk; npm ci), starts a throwaway
# PostgreSQL and the server on the embedded default (README's run command), all on 127.0.0.1.
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
OUT=$ROOT/.test-results
rm -rf "$OUT"; mkdir -p "$OUT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 CI=${CI:-true}
step() { printf '\n== %s\n' "$*"; }

step "system packages"
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
    || { echo "apt-get install ${need[*]} failed"; echo "0 passed, 1 failed"; exit 1; }
fi

SERVER_PID=""; SERVER_DATA=""
export PGTEST_DIR=$(mktemp -d /tmp/cabinetops-pg.XXXXXX) PGTEST_PORT=${PGTEST_PORT:-55432}
cleanup() {
  [ -n "$SERVER_PID" ] && kill -- -"$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  bash scripts/pg-test.sh stop >/dev/null 2>&1
  rm -rf "$PGTEST_DIR" ${SERVER_DATA:+"$SERVER_DATA"}
}
trap cleanup EXIT

step "PostgreSQL on 127.0.0.1:$PGTEST_PORT"
bash scripts/pg-test.sh start || { echo "0 passed, 1 failed"; exit 1; }
export CABINETOPS_TEST_POSTGRES="Host=127.0.0.1;Port=$PGTEST_PORT;Username=app;Password=app;Database=app_test"

step "build"
dotnet build CabinetOps.slnx -c Release -v q -nologo || { echo "0 passed, 1 failed"; exit 1; }

step "server on the embedded default (README: dotnet run --project src/CabinetOps.Server)"
SERVER_DATA=$(mktemp -d /tmp/cabinetops-data.XXXXXX)
started_ns=$(date +%s%N)
# Its own process group, so stopping it also stops the app that `dotnet run` starts.
DataPath=$SERVER_DATA setsid dotnet run --project src/CabinetOps.Server -c Release --no-build > "$OUT/server.log" 2>&1 &
SERVER_PID=$!
SERVER_URL=http://127.0.0.1:5080
for _ in $(seq 1 120); do
  curl -fs "$SERVER_URL/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.5
done
curl -fs "$SERVER_URL/readyz" >/dev/null || { cat "$OUT/server.log"; echo "0 passed, 1 failed"; exit 1; }
echo "ready: $SERVER_URL/readyz answered 200 after $(( ($(date +%s%N) - started_ns) / 1000000 )) ms (target: under 30 s)"
export CABINETOPS_SMOKE_URL=$SERVER_URL

dotnet_failed_runs=0
for suite in UnitTests IntegrationTests BrowserTests; do
  step "$suite"
  dotnet test "tests/CabinetOps.$suite" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$suite.trx" --logger "console;verbosity=minimal" --results-directory "$OUT" \
    || true
  [ -f "$OUT/$suite.trx" ] || dotnet_failed_runs=$((dotnet_failed_runs + 1))
done

step "mini-program (unit + end-to-end against $SERVER_URL)"
mp_ok=1
(cd miniprogram && npm ci --no-audit --no-fund --loglevel=error) || mp_ok=0
if [ $mp_ok = 1 ]; then
  (cd miniprogram && E2E_BASE_URL=$SERVER_URL npx jest --ci --json --outputFile="$OUT/miniprogram.json" 2>&1 | tail -n 30) || true
fi

cleanup; SERVER_PID=""; trap - EXIT

passed=0; failed=$dotnet_failed_runs
for trx in "$OUT"/*.trx; do
  [ -f "$trx" ] || continue
  counts=$(sed -n 's/.*<Counters total="[0-9]*" executed="[0-9]*" passed="\([0-9]*\)" failed="\([0-9]*\)".*/\1 \2/p' "$trx" | head -1)
  [ -n "$counts" ] || { failed=$((failed + 1)); continue; }
  passed=$((passed + ${counts% *})); failed=$((failed + ${counts#* }))
done
if [ -f "$OUT/miniprogram.json" ]; then
  mp=$(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests+" "+(r.numFailedTests+r.numRuntimeErrorTestSuites))' "$OUT/miniprogram.json")
  passed=$((passed + ${mp% *})); failed=$((failed + ${mp#* }))
else
  failed=$((failed + 1))
fi
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Benchmark: precheck + open at N concurrent customers on distinct cabinets (issue #5 target:
# p99 <= 25 ms at 200 on a 2-core machine). PostgreSQL with production durability, Release build,
# the sandbox Xiaomai confirming the unlock at once, so the figure is our server's.
# Usage: bench/precheck-open.sh [customers=200] [cycles=5] [steady|burst]
#   steady: every customer loops scan → open → shop → close → think (see bench/CabinetOps.Bench);
#   burst: all customers precheck + open at the same instant, round after round.
# Env: BENCH_SHOP_MS (15000) / BENCH_THINK_MS (15000); PGTEST_DURABLE=0 (fsync off, for comparison);
# BENCH_LOG_LEVEL / BENCH_SQL_LOG_LEVEL=Information (server log, and every SQL command with its
# duration, kept in /tmp/bench-server.log).
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=${1:-200}; CYCLES=${2:-5}; MODE=${3:-steady}; PORT=5090
if ss -ltn | grep -qE ":($PORT|55433) "; then echo "port $PORT or 55433 is in use: is another benchmark running?" >&2; exit 1; fi
WORK=$(mktemp -d /tmp/cabinetops-bench.XXXXXX); chmod 755 "$WORK"   # postgres must reach its data folder
export PGTEST_DIR=$WORK/pg PGTEST_PORT=55433 PGTEST_DURABLE=${PGTEST_DURABLE:-1}
bash scripts/pg-test.sh start
cleanup() { [ -n "${SERVER:-}" ] && kill -- -"$SERVER" 2>/dev/null || true; bash scripts/pg-test.sh stop; cp "$WORK/server.log" /tmp/bench-server.log 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
psql -X -q -h 127.0.0.1 -p $PGTEST_PORT -U postgres -d postgres -c "create database bench owner app"

for p in src/CabinetOps.Server bench/CabinetOps.Bench; do dotnet build -c Release -v q -nologo "$p" >/dev/null; done
URL=http://127.0.0.1:$PORT
# A production-like host (no developer exception page, no DI scope validation) with the embedded
# defaults of Development (sandbox, demo data): environment "Benchmark" reads a copy of that file.
OUT=src/CabinetOps.Server/bin/Release/net10.0
cp $OUT/appsettings.Development.json $OUT/appsettings.Benchmark.json
export ASPNETCORE_ENVIRONMENT=Benchmark ASPNETCORE_URLS=$URL DataPath=$WORK/data \
  Database__Provider=Postgres ConnectionStrings__CabinetOps="Host=127.0.0.1;Port=$PGTEST_PORT;Username=app;Password=app;Database=bench;Maximum Pool Size=200" \
  Integrations__WechatLogin__BaseUrl=$URL/sandbox/wechat/ Xiaomai__ApiBaseUrl=$URL/sandbox/xiaomai/ Xiaomai__WebhookPublicUrl=$URL/webhooks/xiaomai \
  Sandbox__Xiaomai__WebhookUrl=$URL/webhooks/xiaomai Erp__BaseUrl=$URL/sandbox/erp/ Sandbox__Xiaomai__PullDelay=00:00:00.050 \
  RateLimits__CustomerLoginPerMinute=100000 RateLimits__PrecheckPerMinute=100000 RateLimits__OpenPerMinute=100000 \
  ProductSync__Interval=00:00:00 Logging__LogLevel__Default=${BENCH_LOG_LEVEL:-Warning}
export ASPNETCORE_CONTENTROOT=$PWD/$OUT
env "Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command=${BENCH_SQL_LOG_LEVEL:-Warning}" setsid dotnet src/CabinetOps.Server/bin/Release/net10.0/CabinetOps.Server.dll >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do curl -fs -o /dev/null $URL/readyz && break; sleep 0.5; done
curl -fs -o /dev/null $URL/readyz || { tail -50 "$WORK/server.log"; exit 1; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(dotnet --version); PostgreSQL $(psql --version | awk '{print $3}')"
STATUS=0
dotnet bench/CabinetOps.Bench/bin/Release/net10.0/CabinetOps.Bench.dll "$URL" "$CUSTOMERS" "$CYCLES" "$MODE" "${BENCH_SHOP_MS:-15000}" "${BENCH_THINK_MS:-15000}" || STATUS=$?
echo "server RSS after the run: $(( $(awk '/VmRSS/{print $2}' /proc/$SERVER/status) / 1024 )) MB (peak $(( $(awk '/VmHWM/{print $2}' /proc/$SERVER/status) / 1024 )) MB)"
exit $STATUS

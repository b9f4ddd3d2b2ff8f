#!/usr/bin/env bash
# Benchmark: order push → charged (issue #6 target: at least 50 % of what pgbench reaches for the same
# SQL in the same run; server RSS under that load <= 300 MB). K customers at K open cabinets close
# their doors at once; the sandbox vendor recognises at once and pushes order.completed; the server
# stores, processes, prices and charges every order (bench/CabinetOps.Bench/OrderChargeBench.cs).
# Then pgbench runs bench/order-charge.pgbench.sql — the statements one ticket order issues from the
# close to paid (both vendor pushes), captured from the server's SQL log — against the same database.
# BENCH_WARMUP_ROUNDS (default 30) rounds warm the server up first and are not counted (the JIT is busy for ≈ 35 s of load).
# Usage: bench/order-charge.sh [cabinets=100] [rounds=3] [Tickets|PayScore]
set -euo pipefail
cd "$(dirname "$0")/.."
CABINETS=${1:-100}; ROUNDS=${2:-3}; METHOD=${3:-Tickets}
. bench/lib.sh
bench_start Sandbox__Xiaomai__RecognitionDelay=00:00:00 Sandbox__WechatPay__DeductionDelay=00:00:00.010
dotnet bench/CabinetOps.Bench/bin/Release/net10.0/CabinetOps.Bench.dll orders "$URL" "$CS" "$CABINETS" "$ROUNDS" "$METHOD"
bench_rss
if [ "$METHOD" = Tickets ] && [ -f bench/order-charge.pgbench.sql ]; then
  # The ceiling: the same statements straight from pgbench, 8 clients (more go no faster on two
  # cores), for 20 s, prepared once per connection as the server's are (Max Auto Prepare, decision 0016).
  kill -STOP -- -"$SERVER" -"$SIM"   # both idle anyway; stopped, they cannot take a core from pgbench
  PGPASSWORD=app pgbench -n -M prepared -h 127.0.0.1 -p 55433 -U app -c 8 -j 2 -T 20 -f bench/order-charge.pgbench.sql bench 2>&1 \
    | grep -E "^(number of transactions actually processed|latency average|tps|pgbench: error)" || true
  kill -CONT -- -"$SERVER" -"$SIM"
fi

#!/usr/bin/env bash
# Benchmark: the admin order list over N generated orders on PostgreSQL (issue #6 targets: first page
# p95 <= 50 ms, any filter p95 <= 200 ms). The orders are generated in the database
# (bench/order-list.seed.sql, one line each), then one staff member pages and filters through the
# admin API (bench/CabinetOps.Bench/OrderListBench.cs). Env of bench/lib.sh.
# Usage: bench/order-list.sh [orders=10000000] [requests per filter=100]
set -euo pipefail
cd "$(dirname "$0")/.."
ORDERS=${1:-10000000}; REQUESTS=${2:-100}
. bench/lib.sh
bench_start
echo "generating $ORDERS orders…"
PGPASSWORD=app psql -X -q -h 127.0.0.1 -p 55433 -U app -d bench -v ON_ERROR_STOP=1 -v rows="$ORDERS" -f bench/order-list.seed.sql | grep -E "^Time" || true
echo "orders table: $(PGPASSWORD=app psql -X -qAt -h 127.0.0.1 -p 55433 -U app -d bench -c "select pg_size_pretty(pg_total_relation_size('orders'))")"
STATUS=0
dotnet bench/CabinetOps.Bench/bin/Release/net10.0/CabinetOps.Bench.dll orderlist "$URL" "$REQUESTS" || STATUS=$?
bench_rss
exit $STATUS

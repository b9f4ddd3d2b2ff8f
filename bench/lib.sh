# Shared by the benchmarks: a throwaway PostgreSQL with production durability on 127.0.0.1:55433
# and the Release server on :5090 in a production-like host (environment "Benchmark": no developer
# exception page, no DI scope validation; demo data) without its sandbox, talking to the simulators
# in a second process on :5091. Source it, then call bench_start [extra KEY=VALUE environment…]
# (given to both processes). Sets URL, SIM_URL, CS, SERVER, SIM, WORK, BENCH_CPU_PIDS.
# Env: PGTEST_DURABLE=0 (fsync off, for comparison); BENCH_POOL (the server's connection pool size, default 40 as recommended for a node in docs/configuration.md) and
# BENCH_CS_EXTRA (";Key=Value" appended to its connection string); BENCH_SERVER_ENV ("KEY=VALUE …" for the
# server under test only, e.g. runtime settings); BENCH_SERVER_DIR (the server build to run, e.g. a
# `dotnet publish` output; default the Release build); BENCH_LOG_LEVEL / BENCH_SQL_LOG_LEVEL=Information
# (server log, and every SQL command with its duration, kept in /tmp/bench-server.log; PostgreSQL's log in /tmp/bench-postgres.log);
# BENCH_PG_LOG_STATEMENTS=all (PostgreSQL logs every statement from every client, Wolverine's own included: how bench/order-charge.pgbench.sql is captured).
# The server's rate limits are raised out of the way: a benchmark measures capacity, and at 100 orders a
# second the vendor alone pushes ≈ 400 times a second, over Xiaomai:WebhookPerMinute's default 6000 a minute
# (a push refused with 429 comes back on the vendor's ladder 15 s and 45 s later: a round of 45 s).
PORT=5090
SIM_PORT=5091
bench_start() {
  if ss -ltn | grep -qE ":($PORT|$SIM_PORT|55433) "; then echo "port $PORT, $SIM_PORT or 55433 is in use: is another benchmark running?" >&2; exit 1; fi
  WORK=$(mktemp -d /tmp/cabinetops-bench.XXXXXX); chmod 755 "$WORK"   # postgres must reach its data folder
  export PGTEST_DIR=$WORK/pg PGTEST_PORT=55433 PGTEST_DURABLE=${PGTEST_DURABLE:-1}
  bash scripts/pg-test.sh start
  trap bench_stop EXIT
  psql -X -q -h 127.0.0.1 -p $PGTEST_PORT -U postgres -d postgres -c "create database bench owner app"
  # Statements slower than 20 ms, lock waits over a second and checkpoints go to PostgreSQL's log (kept in /tmp/bench-postgres.log),
  # to set beside the slowest samples a benchmark prints.
  psql -X -q -h 127.0.0.1 -p $PGTEST_PORT -U postgres -d postgres -c "alter system set log_min_duration_statement = 20" -c "alter system set log_checkpoints = on" -c "alter system set log_lock_waits = on" \
    -c "alter system set log_statement = '${BENCH_PG_LOG_STATEMENTS:-none}'" -c "select pg_reload_conf()" >/dev/null
  for p in src/CabinetOps.Server bench/CabinetOps.Bench; do dotnet build -c Release -v q -nologo "$p" >/dev/null; done
  URL=http://127.0.0.1:$PORT
  SIM_URL=http://127.0.0.1:$SIM_PORT
  export BENCH_SANDBOX_URL=$SIM_URL   # the load generator sends /sandbox/* there (SandboxRouting)
  CS="Host=127.0.0.1;Port=$PGTEST_PORT;Username=app;Password=app;Database=bench"
  local out=${BENCH_SERVER_DIR:-src/CabinetOps.Server/bin/Release/net10.0}
  cp $out/appsettings.Development.json $out/appsettings.Benchmark.json
  local common=(ASPNETCORE_ENVIRONMENT=Benchmark ASPNETCORE_CONTENTROOT=$(realpath $out) DataPath=$WORK/data
    Integrations__WechatLogin__BaseUrl=$SIM_URL/sandbox/wechat/ Xiaomai__ApiBaseUrl=$SIM_URL/sandbox/xiaomai/ Erp__BaseUrl=$SIM_URL/sandbox/erp/
    WeChatPay__BaseUrl=$SIM_URL/sandbox/wechatpay/ Logging__LogLevel__Default=${BENCH_LOG_LEVEL:-Warning})
  # The outside world (Xiaomai, WeChat, WeChat Pay, ERP simulators) runs in a host of its own, as in
  # the chaos test: the server under test runs without its sandbox, as in production, so its RSS and
  # CPU are its own. Started first: it makes the key pairs both read from the shared data folder.
  env "${common[@]}" ASPNETCORE_URLS=$SIM_URL Xiaomai__WebhookPublicUrl=$SIM_URL/webhooks/xiaomai WeChatPay__NotifyUrl=$SIM_URL/webhooks/wechatpay \
    Sandbox__Xiaomai__WebhookUrl=$URL/webhooks/xiaomai Sandbox__Xiaomai__PullDelay=00:00:00.050 ProductSync__Interval=00:00:00 "$@" \
    setsid dotnet $out/CabinetOps.Server.dll >"$WORK/sandbox.log" 2>&1 &
  SIM=$!
  for _ in $(seq 1 120); do curl -fs -o /dev/null $SIM_URL/readyz && break; sleep 0.5; done
  curl -fs -o /dev/null $SIM_URL/readyz || { tail -50 "$WORK/sandbox.log"; exit 1; }
  # DOTNET_GCgen0size and MALLOC_ARENA_MAX as docs/runbooks/deploy.md sets them on every node (decision 0021).
  env "${common[@]}" ASPNETCORE_URLS=$URL Sandbox__Enabled=false DOTNET_GCgen0size=0x800000 MALLOC_ARENA_MAX=2 \
    Database__Provider=Postgres ConnectionStrings__CabinetOps="$CS;Maximum Pool Size=${BENCH_POOL:-40}${BENCH_CS_EXTRA:-}" \
    Xiaomai__WebhookPublicUrl=$URL/webhooks/xiaomai WeChatPay__NotifyUrl=$URL/webhooks/wechatpay \
    RateLimits__CustomerLoginPerMinute=100000 Xiaomai__WebhookPerMinute=1000000 RateLimits__PrecheckPerMinute=100000 RateLimits__OpenPerMinute=100000 RateLimits__DeviceOpenPerMinute=100000 \
    ProductSync__Interval=00:00:00 \
    "Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command=${BENCH_SQL_LOG_LEVEL:-Warning}" "$@" ${BENCH_SERVER_ENV:-} \
    setsid dotnet $out/CabinetOps.Server.dll >"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 120); do curl -fs -o /dev/null $URL/readyz && break; sleep 0.5; done
  curl -fs -o /dev/null $URL/readyz || { tail -50 "$WORK/server.log"; exit 1; }
  export BENCH_CPU_PIDS="server=$SERVER simulators=$SIM"   # the load generator's CPU split (CpuMeter)
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(dotnet --version); PostgreSQL $(psql --version | awk '{print $3}'); simulators in their own process"
}
bench_rss() {
  local st=/proc/$SERVER/status
  echo "server RSS: $(( $(awk '/VmRSS/{print $2}' $st) / 1024 )) MB (peak $(( $(awk '/VmHWM/{print $2}' $st) / 1024 )) MB; anonymous $(( $(awk '/RssAnon/{print $2}' $st) / 1024 )) MB, mapped files $(( $(awk '/RssFile/{print $2}' $st) / 1024 )) MB, shared $(( $(awk '/RssShmem/{print $2}' $st) / 1024 )) MB)"
}
bench_stop() {
  [ -n "${SERVER:-}" ] && kill -- -"$SERVER" 2>/dev/null || true
  [ -n "${SIM:-}" ] && kill -- -"$SIM" 2>/dev/null || true
  bash scripts/pg-test.sh stop
  cp "$WORK/server.log" /tmp/bench-server.log 2>/dev/null || true
  cp "$PGTEST_DIR/server.log" /tmp/bench-postgres.log 2>/dev/null || true
  rm -rf "$WORK"
}

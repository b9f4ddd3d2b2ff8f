# Shared by the benchmarks: a throwaway PostgreSQL with production durability on 127.0.0.1:55433
# and the Release server on :5090 in a production-like host (environment "Benchmark": no developer
# exception page, no DI scope validation) with the embedded defaults of Development (sandbox, demo
# data). Source it, then call bench_start [extra KEY=VALUE environment…]. Sets URL, CS, SERVER, WORK.
# Env: PGTEST_DURABLE=0 (fsync off, for comparison); BENCH_LOG_LEVEL / BENCH_SQL_LOG_LEVEL=Information
# (server log, and every SQL command with its duration, kept in /tmp/bench-server.log).
PORT=5090
bench_start() {
  if ss -ltn | grep -qE ":($PORT|55433) "; then echo "port $PORT or 55433 is in use: is another benchmark running?" >&2; exit 1; fi
  WORK=$(mktemp -d /tmp/cabinetops-bench.XXXXXX); chmod 755 "$WORK"   # postgres must reach its data folder
  export PGTEST_DIR=$WORK/pg PGTEST_PORT=55433 PGTEST_DURABLE=${PGTEST_DURABLE:-1}
  bash scripts/pg-test.sh start
  trap bench_stop EXIT
  psql -X -q -h 127.0.0.1 -p $PGTEST_PORT -U postgres -d postgres -c "create database bench owner app"
  for p in src/CabinetOps.Server bench/CabinetOps.Bench; do dotnet build -c Release -v q -nologo "$p" >/dev/null; done
  URL=http://127.0.0.1:$PORT
  CS="Host=127.0.0.1;Port=$PGTEST_PORT;Username=app;Password=app;Database=bench"
  local out=src/CabinetOps.Server/bin/Release/net10.0
  cp $out/appsettings.Development.json $out/appsettings.Benchmark.json
  env ASPNETCORE_ENVIRONMENT=Benchmark ASPNETCORE_URLS=$URL ASPNETCORE_CONTENTROOT=$PWD/$out DataPath=$WORK/data \
    Database__Provider=Postgres ConnectionStrings__CabinetOps="$CS;Maximum Pool Size=200" \
    Integrations__WechatLogin__BaseUrl=$URL/sandbox/wechat/ Xiaomai__ApiBaseUrl=$URL/sandbox/xiaomai/ Xiaomai__WebhookPublicUrl=$URL/webhooks/xiaomai \
    Sandbox__Xiaomai__WebhookUrl=$URL/webhooks/xiaomai Erp__BaseUrl=$URL/sandbox/erp/ Sandbox__Xiaomai__PullDelay=00:00:00.050 \
    WeChatPay__BaseUrl=$URL/sandbox/wechatpay/ WeChatPay__NotifyUrl=$URL/webhooks/wechatpay \
    RateLimits__CustomerLoginPerMinute=100000 RateLimits__PrecheckPerMinute=100000 RateLimits__OpenPerMinute=100000 RateLimits__DeviceOpenPerMinute=100000 \
    ProductSync__Interval=00:00:00 Logging__LogLevel__Default=${BENCH_LOG_LEVEL:-Warning} \
    "Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command=${BENCH_SQL_LOG_LEVEL:-Warning}" "$@" \
    setsid dotnet $out/CabinetOps.Server.dll >"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 120); do curl -fs -o /dev/null $URL/readyz && break; sleep 0.5; done
  curl -fs -o /dev/null $URL/readyz || { tail -50 "$WORK/server.log"; exit 1; }
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(dotnet --version); PostgreSQL $(psql --version | awk '{print $3}')"
}
bench_rss() { echo "server RSS: $(( $(awk '/VmRSS/{print $2}' /proc/$SERVER/status) / 1024 )) MB (peak $(( $(awk '/VmHWM/{print $2}' /proc/$SERVER/status) / 1024 )) MB)"; }
bench_stop() {
  [ -n "${SERVER:-}" ] && kill -- -"$SERVER" 2>/dev/null || true
  bash scripts/pg-test.sh stop
  cp "$WORK/server.log" /tmp/bench-server.log 2>/dev/null || true
  rm -rf "$WORK"
}

#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (notes/ci-recipes.md): pg-test.sh start|stop
# env: PGTEST_DIR (data folder), PGTEST_PORT (default 55432), PGTEST_DURABLE=1 (keep fsync and
# synchronous commit on, as in production — the benchmarks use it). Binds 127.0.0.1 only.
set -euo pipefail
DIR=${PGTEST_DIR:?set PGTEST_DIR}; PORT=${PGTEST_PORT:-55432}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }   # initdb and pg_ctl refuse root
case $1 in
start)
  mkdir -p "$DIR"; [ "$(id -u)" = 0 ] && chown postgres: "$DIR"; chmod 700 "$DIR"
  [ -f "$DIR/data/PG_VERSION" ] || pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  O="-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c max_connections=300"
  [ "${PGTEST_DURABLE:-0}" = 1 ] || O="$O -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  for i in 1 2 3 4 5 6 7 8 9 10; do
    "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres && break
    pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 -o "$O" start >/dev/null && break; sleep 1
  done
  P="psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $PORT -U postgres -d postgres"
  $P -tAc "select 1 from pg_roles where rolname='app'" | grep -q 1 || $P -c "create role app login password 'app' createdb"
  $P -tAc "select 1 from pg_database where datname='app_test'" | grep -q 1 || $P -c "create database app_test owner app";;
stop) [ -f "$DIR/data/PG_VERSION" ] && pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true;;
esac

#!/usr/bin/env bash
# Runs a command with the services the test suite needs, then stops them, also when the
# command fails. Kafka needs nothing here: the tests start librdkafka's embedded cluster
# in-process. PostgreSQL is a private server in a temporary folder on a free loopback port,
# exported to the tests as FRAUDSTREAM_TEST_DATABASE_URL.
#
#   scripts/test-services.sh swift test
set -euo pipefail

pg_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ]; then echo "$dir"; return; fi
  dirname "$(command -v pg_ctl)"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432
}

BIN=$(pg_bindir)
[ -x "$BIN/initdb" ] || { echo "PostgreSQL server binaries not found: run 'make deps' (apt-get install postgresql)" >&2; exit 1; }

DATA=$(mktemp -d /tmp/fraudstream-test-pg.XXXXXX)
PORT=$(free_port)
AS=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$DATA"
  AS=(runuser -u postgres --)
fi

stop_postgres() {
  "${AS[@]}" "$BIN/pg_ctl" -D "$DATA/db" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap stop_postgres EXIT

"${AS[@]}" "$BIN/initdb" -D "$DATA/db" -U fraudstream --auth=trust -E UTF8 --locale=C >"$DATA/initdb.log" 2>&1 \
  || { cat "$DATA/initdb.log" >&2; exit 1; }
"${AS[@]}" "$BIN/pg_ctl" -D "$DATA/db" -l "$DATA/db/server.log" -w \
  -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='$DATA' -c fsync=off -c max_connections=200" start >/dev/null \
  || { cat "$DATA/db/server.log" >&2; exit 1; }
"${AS[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U fraudstream fraudstream_test

export FRAUDSTREAM_TEST_DATABASE_URL="postgres://fraudstream@127.0.0.1:$PORT/fraudstream_test"
echo "PostgreSQL for tests: $FRAUDSTREAM_TEST_DATABASE_URL"
"$@"

#!/usr/bin/env bash
# pg-test-server.sh start DIR   starts a throw-away PostgreSQL 15 server (Debian binaries) with its
#                               data in DIR, on a free loopback port; prints its connection URL.
# pg-test-server.sh stop DIR    stops it and removes DIR.
# The server runs as the `postgres` system user when we are root (PostgreSQL refuses root).
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?directory}
bin=/usr/lib/postgresql/15/bin

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200" \
      start >/dev/null
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres charter_test
    echo "postgresql://postgres@127.0.0.1:$port/charter_test"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: pg-test-server.sh start|stop DIR" >&2; exit 2 ;;
esac

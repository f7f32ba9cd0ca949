#!/usr/bin/env bash
# A throw-away PostgreSQL server for the central-database baseline (issue 7): installed from Debian's package when
# missing, its cluster in a directory of ours, listening on 127.0.0.1 only, durable (fsync and synchronous commit on,
# as Huilian's commits are), stopped and deleted by `stop`.
# Usage: bench/scripts/postgres.sh start DIR [PORT]   prints the connection string on stdout
#        bench/scripts/postgres.sh stop DIR
set -euo pipefail
action="${1:?start or stop}"
dir="${2:?cluster directory}"
port="${3:-55432}"

bin_dir() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [ -z "$found" ]; then
    echo "Installing PostgreSQL (Debian package postgresql)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
    found="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  echo "$found"
}

# PostgreSQL refuses to run as root: as root, run it as the package's postgres user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    bin="$(bin_dir)"
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir" -U huilian --auth=trust --encoding=UTF8 --no-locale >"$dir.initdb.log" 2>&1
    fi
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=on -c synchronous_commit=on -c max_connections=300 -c shared_buffers=256MB" \
      start >&2
    as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U huilian -d postgres -qtAc "SELECT 1 FROM pg_database WHERE datname='baseline'" | grep -q 1 \
      || as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U huilian baseline
    echo "Host=127.0.0.1;Port=$port;Username=huilian;Database=baseline;Maximum Pool Size=300"
    ;;
  stop)
    bin="$(bin_dir)"
    if [ -f "$dir/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >&2 || true; fi
    rm -rf "$dir" "$dir.initdb.log"
    ;;
  *)
    echo "usage: $0 start DIR [PORT] | stop DIR" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# A throwaway PostgreSQL for the connectors example: Debian's package, a cluster in data/postgres, port 5433,
# wal_level=logical, database "shop" with tables orders and customer_totals.
#   connectors/examples/postgres.sh start | stop | psql [PSQL ARGS...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="$ROOT/data/postgres"
PORT="${PGPORT_EXAMPLE:-5433}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -n "$BIN" ] || { echo "postgres.sh: PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  # PostgreSQL refuses to run as root: run it as the postgres user then.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
      mkdir -p "$DIR"
      [ "$(id -u)" -ne 0 ] || chown postgres "$DIR"
      as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
      printf "port = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\nwal_level = logical\n" \
        "$PORT" "$DIR" >> "$DIR/data/postgresql.conf"
      fresh=1
    fi
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start >/dev/null
    if [ "${fresh:-0}" = 1 ]; then
      "$BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U postgres -c "CREATE DATABASE shop"
      "$BIN/psql" -q -h 127.0.0.1 -p "$PORT" -U postgres -d shop -f "$ROOT/connectors/examples/shop.sql"
    fi
    echo "PostgreSQL on 127.0.0.1:$PORT, database shop, user postgres; data in $DIR"
    ;;
  stop)
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
    ;;
  psql)
    shift
    exec "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d shop "$@"
    ;;
  *)
    echo "usage: $0 start | stop | psql [PSQL ARGS...]" >&2
    exit 2
    ;;
esac

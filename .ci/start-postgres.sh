#!/usr/bin/env bash
# Start a private PostgreSQL server for the relay tests and print its URL on the last line.
#
# Runs as root on Debian 12. Installs the `postgresql` package when no server binaries are
# present, then runs its own cluster (not the distribution's "main" one) as the `postgres`
# user in a folder under /tmp, listening only on 127.0.0.1 on an uncommon port, with trust
# authentication on loopback. Idempotent: when the server already answers, it only makes sure
# the test database exists and prints the URL again.
#
#   url=$(bash .ci/start-postgres.sh | tail -n 1)
#   export OTOKUI_TEST_POSTGRES_URL="$url"
#
# Everything but the URL goes to stderr, so `$(...)` captures the URL alone.
set -euo pipefail

PORT="${OTOKUI_PG_PORT:-55432}"
DB="otokui_test"
BASE="${OTOKUI_PG_DIR:-/tmp/otokui-postgres-$PORT}"
DATA="$BASE/data"
URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB"

log() { echo "start-postgres: $*" >&2; }

find_bindir() {
    # Newest installed major version; Debian keeps the server tools out of PATH.
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
        echo "$dir"
    fi
}

BINDIR=$(find_bindir)
if [ -z "$BINDIR" ]; then
    log "PostgreSQL server binaries missing: installing the postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends postgresql >&2
    BINDIR=$(find_bindir)
    if [ -z "$BINDIR" ]; then
        log "postgresql was installed but no initdb/pg_ctl was found under /usr/lib/postgresql"
        exit 1
    fi
fi

# Run a command as the postgres user (the server refuses to run as root).
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

ready() { "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres; }

if ready; then
    log "already running on 127.0.0.1:$PORT"
else
    if [ ! -s "$DATA/PG_VERSION" ]; then
        log "creating a cluster in $DATA"
        mkdir -p "$BASE"
        rm -rf "$DATA"
        if [ "$(id -u)" -eq 0 ]; then
            chown postgres: "$BASE"
        fi
        chmod 700 "$BASE"
        as_postgres "$BINDIR/initdb" -D "$DATA" -U postgres --auth-local=trust \
            --auth-host=trust --encoding=UTF8 --locale=C.UTF-8 >&2
    fi
    log "starting the server on 127.0.0.1:$PORT"
    # fsync off: a throwaway test cluster; the relay's durability is tested on its own side.
    as_postgres "$BINDIR/pg_ctl" -D "$DATA" -l "$BASE/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$BASE -c fsync=off -c full_page_writes=off -c max_connections=200" >&2
    for _ in $(seq 1 60); do
        ready && break
        sleep 0.5
    done
    if ! ready; then
        log "the server did not come up; see $BASE/server.log"
        exit 1
    fi
fi

exists=$("$BINDIR/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB'")
if [ "$exists" != "1" ]; then
    log "creating database $DB"
    "$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
fi

echo "$URL"

#!/usr/bin/env bash
# Start a private PostgreSQL server for the relay tests and print its URL on the last line.
#
# Runs as root on Debian 12. Installs the `postgresql` package when no server binaries are
# present, then runs a NEW cluster (never the distribution's "main" one, never one left
# from an earlier run) as the `postgres` user, in a fresh folder, listening only on
# 127.0.0.1 with trust authentication on loopback. The port is OTOKUI_PG_PORT if given
# (it must be free), else the first free one from 55432 up: a server that already runs
# there, ours from an earlier run or anyone's, is never reused.
#
#   export OTOKUI_PG_DIR="$(mktemp -d)"        # optional; a new folder is made otherwise
#   url=$(bash .ci/start-postgres.sh | tail -n 1)
#   ...
#   bash .ci/stop-postgres.sh "$OTOKUI_PG_DIR"  # stops it and deletes the folder
#
# The folder holds the cluster (data/), its log (server.log) and its socket; .ci/run
# stops the server with a trap when it exits, whatever the outcome.
# Everything but the URL goes to stderr, so `$(...)` captures the URL alone.
set -euo pipefail

DB="otokui_test"
log() { echo "start-postgres: $*" >&2; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -n "${OTOKUI_PG_PORT:-}" ]; then
    PORT="$OTOKUI_PG_PORT"
    if port_in_use "$PORT"; then
        log "port $PORT is already in use; not reusing whatever listens there"
        exit 1
    fi
else
    PORT=55432
    while port_in_use "$PORT"; do
        PORT=$((PORT + 1))
        if [ "$PORT" -gt 55532 ]; then
            log "no free port between 55432 and 55532"
            exit 1
        fi
    done
fi

BASE="${OTOKUI_PG_DIR:-$(mktemp -d /tmp/otokui-postgres.XXXXXX)}"
DATA="$BASE/data"
URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB"
if [ -e "$DATA" ]; then
    log "$DATA already exists: give a new, empty OTOKUI_PG_DIR (each run gets a fresh cluster)"
    exit 1
fi

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

mkdir -p "$BASE"
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$BASE"
fi
chmod 700 "$BASE"
log "creating a cluster in $DATA"
as_postgres "$BINDIR/initdb" -D "$DATA" -U postgres --auth-local=trust \
    --auth-host=trust --encoding=UTF8 --locale=C.UTF-8 >&2
log "starting the server on 127.0.0.1:$PORT"
# fsync off: a throwaway test cluster; the relay's durability is tested on its own side.
as_postgres "$BINDIR/pg_ctl" -D "$DATA" -l "$BASE/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$BASE -c fsync=off -c full_page_writes=off -c max_connections=200" >&2
# pg_ctl -w returns once the server accepts connections; check it is ours that answers.
if ! "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres; then
    log "the server did not come up; see $BASE/server.log"
    exit 1
fi
"$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
echo "$URL"

#!/usr/bin/env bash
# Stop the server .ci/start-postgres.sh started in FOLDER and delete the folder.
#
#   bash .ci/stop-postgres.sh "$OTOKUI_PG_DIR"
#
# Safe to call when the server never started or is already stopped.
set -uo pipefail
BASE="${1:?usage: stop-postgres.sh FOLDER}"
DATA="$BASE/data"
if [ -s "$DATA/postmaster.pid" ]; then
    BINDIR=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$BINDIR/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >&2
    else
        "$BINDIR/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >&2
    fi
fi
# Only ever a folder start-postgres.sh filled: it holds data/ and nothing else of value.
if [ -d "$DATA" ] || [ -z "$(ls -A "$BASE" 2>/dev/null)" ]; then
    rm -rf "$BASE"
fi

# Sourced by .ci/run and .ci/with_postgres: a throw-away PostgreSQL cluster for the tests.
#
#   pg_start   initdb's a new cluster in a temporary folder (Debian's postgresql package), listening
#              only on 127.0.0.1 and a unix socket in that folder, on PERFDESK_PG_PORT (55432), and
#              exports PERFDESK_TEST_PG_URL: the tests then run their store, package and workflow
#              tests on it as well as on SQLite.
#   pg_stop    stops it and removes the folder.
# As root the server runs as the postgres user (initdb refuses root); otherwise as the caller.

pg_start() {
    local port="${PERFDESK_PG_PORT:-55432}"
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -z "$PG_BIN" ]; then
        echo "PostgreSQL is not installed: apt-get install postgresql" >&2
        return 1
    fi
    PG_DIR="$(mktemp -d /tmp/perfdesk-pg.XXXXXX)"
    PG_AS=()
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$PG_DIR"
        PG_AS=(runuser -u postgres --)
    fi
    # trust: the cluster is reachable only from this machine and lives only as long as the run.
    "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U perfdesk --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 >"$PG_DIR/initdb.log"
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$PG_DIR -c fsync=off" \
        start >/dev/null
    export PERFDESK_TEST_PG_URL="postgresql+psycopg://perfdesk@127.0.0.1:$port/postgres"
    echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') listening on 127.0.0.1:$port only" \
        "(throw-away cluster $PG_DIR/data); PERFDESK_TEST_PG_URL=$PERFDESK_TEST_PG_URL"
}

pg_stop() {
    if [ -n "${PG_DIR:-}" ]; then
        "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
        PG_DIR=""
    fi
}

# Shared by tests/e2e/*.sh: connection to the test cluster, a fresh database with the demo
# sample data and the extension, and tiny assertion helpers that count into one TAP-ish summary.
set -euo pipefail
E2E_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
eval "$("$E2E_ROOT/scripts/test-sql" --env | sed 's/^/export /')"

PASS=0; FAIL=0
q() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$DB" "$@"; }
check() { # check DESCRIPTION EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then PASS=$((PASS + 1)); echo "ok - $1";
    else FAIL=$((FAIL + 1)); echo "not ok - $1: expected '$2', got '$3'"; fi
}
fresh_db() { # fresh_db NAME [no-extension]: the demo data set (+ the extension in public)
    DB="$1"
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
    q -f "$E2E_ROOT/demo/sample_data.sql" >/dev/null
    [ "${2:-}" = no-extension ] || q -c "CREATE EXTENSION revenue_split"
}
# The cluster's cron.database_name. Never dropped: dropping it (WITH FORCE) terminates the
# pg_cron scheduler, which does not come back until a server restart. Jobs run in other
# databases through cron.schedule_in_database.
CRON_DB=rs_cron
ensure_cron_db() {
    psql -X -q -At -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$CRON_DB'" | grep -q 1 \
        || psql -X -q -d postgres -c "CREATE DATABASE $CRON_DB"
    psql -X -q -d "$CRON_DB" -c "CREATE EXTENSION IF NOT EXISTS pg_cron" 2>/dev/null
}
qc() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$CRON_DB" "$@"; }
# ---- fault injection (faults.sh, correction_faults.sh): each caller sets TMP, DB and BG ----
# sqlstate ARGS...: run psql commands (-c ...) in one session, without stopping on errors; print
# the SQLSTATE of the last error (00000 when none). stderr goes to $TMP/err.
sqlstate() {
    psql -X -q -At -d "$DB" -v ON_ERROR_STOP=0 "$@" -c '\echo :LAST_ERROR_SQLSTATE' 2>"$TMP/err" | tail -n 1
}
# Calls of the fault triggers (a sequence: it survives the rollback of the faulted transaction).
trigger_calls() { q -c "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM public.fault_calls"; }
reset_calls() { q -c "ALTER SEQUENCE public.fault_calls RESTART"; }
no_trigger() { q -c "DROP TRIGGER IF EXISTS fault ON public.transactions"; }
# wait_for_sleep APPNAME: until that session sleeps in pg_sleep (up to 20 s).
wait_for_sleep() {
    local i
    for i in $(seq 1 200); do
        [ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = '$1' AND wait_event = 'PgSleep'")" = 1 ] && return 0
        sleep 0.1
    done
    return 1
}
# kill_background: ends the background jobs listed in BG (for an EXIT trap).
kill_background() {
    local p
    for p in "${BG[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}

finish() {
    echo "$PASS passed, $FAIL failed"
    [ "$FAIL" = 0 ]
}

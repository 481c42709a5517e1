#!/usr/bin/env bash
# Out of memory in the event pass (issue 12, "Robustness"): the Rust maps that grow with the
# data reserve their room fallibly, so a shortage is an ordinary error, SQLSTATE 53200 naming
# the size, and not an abort of the backend (which would make the postmaster restart every
# session).
#
# Proven on a throwaway cluster of its own (/tmp/revenue_split_oom, port 55439, Unix socket
# only, shared_buffers = 16MB) whose postmaster runs under `ulimit -v 500000` (kB): with
# 10,000,000 videos, 50 of them with events. First, with the fixture's event(ts) index, the
# pass looks up just the 50 active videos (issue 15), so the preview succeeds under the limit.
# Then, without the index, the pass reads every video: the list of their rows (32 bytes a row)
# grows from 2^23 rows (256 MB) to 2^24 (512 MB) while the smaller one is still held: 768 MB,
# more than the limit whatever the backend's own footprint, while Postgres itself (loading the
# data, reading it) stays far below it. (With 4,000,000 videos, the count used while the rows
# went into a hash map, the preview now fits.) That preview must fail with 53200 and a message
# naming a size; the same session must go on working and give its memory back; a second
# session opened before the failure must still be connected; the postmaster must not have
# restarted.
#
# Needs the extension installed in the system PostgreSQL (scripts/test-sql or
# `source scripts/lib.sh; install_extension`). Does not use the shared test cluster.
# RS_OOM_LIMIT_KB and RS_OOM_VIDEOS override the limit and the number of videos.
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/scripts/lib.sh"

DIR=/tmp/revenue_split_oom
PORT=55439
LIMIT_KB="${RS_OOM_LIMIT_KB:-500000}"
VIDEOS="${RS_OOM_VIDEOS:-10000000}"

PASS=0; FAIL=0
check() { # check DESCRIPTION EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then PASS=$((PASS + 1)); echo "ok - $1";
    else FAIL=$((FAIL + 1)); echo "not ok - $1: expected '$2', got '$3'"; fi
}
q() { pg "$DIR" "$PORT" -At -d postgres "$@"; }

TMP=$(mktemp -d /tmp/rs_oom.XXXXXX)
chmod 755 "$TMP"
WITNESS=
cleanup() {
    [ -n "$WITNESS" ] && kill "$WITNESS" 2>/dev/null
    cluster_stop "$DIR"
    rm -rf "$DIR" "$TMP"
}
trap cleanup EXIT

[ -f "$("$PG_CONFIG" --pkglibdir)/revenue_split.so" ] && [ -f "$("$PG_CONFIG" --sharedir)/extension/revenue_split.control" ] \
    || die "revenue_split is not installed in PostgreSQL $PG_MAJOR: run scripts/test-sql (or: source scripts/lib.sh; install_extension) first"

# 1. The cluster, its postmaster (and so every backend) limited to LIMIT_KB of address space.
cluster_stop "$DIR"
rm -rf "$DIR"
mkdir -p "$DIR"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
as_pg "$PG_BIN/initdb" -D "$DIR/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
cat >>"$DIR/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$DIR'
port = $PORT
fsync = off
shared_buffers = 16MB
CONF
as_pg env -u RUST_BACKTRACE bash -c \
    "ulimit -v $LIMIT_KB && exec '$PG_BIN/pg_ctl' -D '$DIR/data' -l '$DIR/server.log' -w start" >/dev/null
check "the postmaster runs under ulimit -v $LIMIT_KB" "$((LIMIT_KB * 1024))" \
    "$(awk '/Max address space/ {print $5}' "/proc/$(head -1 "$DIR/data/postmaster.pid")/limits")"
check "revenue_split is available" 1 \
    "$(q -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'revenue_split'")"

# 2. The application tables: 1,000 creators, VIDEOS videos, 200 August views of 50 of them.
t0=$(date +%s)
q -f "$ROOT/tests/common/app_tables.sql"
q <<SQL
CREATE EXTENSION revenue_split;
INSERT INTO public.users SELECT g, 0, 2, 50, false FROM generate_series(1, 1000) g;
INSERT INTO public.videos
SELECT g, 1 + g % 1000, timestamptz '2025-07-01 00:00+00' + (g % 1000) * interval '1 minute'
FROM generate_series(1, $VIDEOS) g;
INSERT INTO public.event
SELECT 1 + g % 50, 'view', timestamptz '2025-08-10 00:00+00' + g * interval '1 minute', 'd' || g % 7, 'i' || g % 5
FROM generate_series(1, 200) g;
VACUUM ANALYZE;
SQL
echo "# loaded $VIDEOS videos in $(( $(date +%s) - t0 )) s"
check "videos loaded under the limit" "$VIDEOS" "$(q -c "SELECT count(*) FROM public.videos")"

# 3. A second session, opened before the failure, waits in pg_sleep.
PGAPPNAME=oom_witness pg "$DIR" "$PORT" -d postgres -c "SELECT pg_sleep(300)" >"$TMP/witness" 2>&1 &
WITNESS=$!
witness_pid=
for _ in $(seq 100); do
    witness_pid=$(q -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'oom_witness' AND wait_event = 'PgSleep'")
    [ -n "$witness_pid" ] && break
    sleep 0.1
done
[ -n "$witness_pid" ] || die "the witness session did not start"
started=$(q -c "SELECT pg_postmaster_start_time()")

# 4. With event(ts): only the active videos are read, and the preview fits (50 creators).
check "a wide catalog fits: the preview looks up only the videos with events" 50 \
    "$(q -c "SELECT count(*) FROM revenue_split_preview(1000, 2025, 8)" 2>&1)"
q -c "DROP INDEX public.event_ts_idx"

# 5. Without it, the preview reads every video; and the same session afterwards.
t0=$(date +%s%N)
pg "$DIR" "$PORT" -At -d postgres -v ON_ERROR_STOP=0 \
    -c "SELECT 'pid=' || pg_backend_pid()" \
    -c "SELECT count(*) FROM revenue_split_preview(1000, 2025, 8)" \
    -c '\echo sqlstate=:LAST_ERROR_SQLSTATE' \
    -c '\echo message=:LAST_ERROR_MESSAGE' \
    -c "SELECT 'rss_kb=' || (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmRSS:\s+(\d+)'))[1]" \
    -c "SELECT 'vmpeak_kb=' || (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmPeak:\s+(\d+)'))[1]" \
    -c "SELECT 'after=' || pg_backend_pid() || ',' || 1" \
    -c "SELECT count(*) FROM revenue_split_units('2025-08-10')" \
    -c '\echo sqlstate2=:LAST_ERROR_SQLSTATE' \
    >"$TMP/out" 2>"$TMP/err" || true
echo "# preview and follow-ups took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
sed 's/^/# /' "$TMP/out" "$TMP/err"
field() { sed -n "s/^$1=//p" "$TMP/out" | head -1; }
pid=$(field pid)
check "the preview fails with SQLSTATE 53200" 53200 "$(field sqlstate)"
message=$(field message)
check "the message names the size and what it was for" yes \
    "$(echo "$message" | grep -Eq '^out of memory: could not reserve [0-9]{6,} bytes for [a-z]' && echo yes || echo "no: $message")"
check "the same session still works afterwards" "$pid,1" "$(field after)"
rss=$(field rss_kb)
check "the session gave the memory back (RSS ${rss:-?} kB < 200 MB)" yes "$([ -n "$rss" ] && [ "$rss" -lt 204800 ] && echo yes || echo no)"
check "a second call in the same session fails the same way" 53200 "$(field sqlstate2)"

# 6. Nothing crashed: the postmaster did not restart and the witness is still connected.
check "the postmaster did not restart" "$started" "$(q -c "SELECT pg_postmaster_start_time()")"
check "the session opened before the failure is still connected" "$witness_pid" \
    "$(q -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'oom_witness'")"
q -c "SELECT pg_cancel_backend($witness_pid)" >/dev/null
wait "$WITNESS" || true
WITNESS=
check "the witness session ended by our cancel, not by a crash" yes \
    "$(grep -q 'canceling statement due to user request' "$TMP/witness" && echo yes || cat "$TMP/witness")"
check "no server process was terminated by a signal" 0 \
    "$(grep -Ec 'terminated by signal|was terminated|server process .* exited' "$DIR/server.log" || true)"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]

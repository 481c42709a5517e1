#!/usr/bin/env bash
# SQL errors show the message, detail and hint only, whatever RUST_BACKTRACE says (issue 12):
# pgrx attaches a Rust backtrace to the DETAIL of an error raised inside one of the
# extension's queries when the server's environment has RUST_BACKTRACE set, and the library
# turns that capture off when it loads.
#
# On a throwaway cluster of its own (/tmp/revenue_split_bt, port 55441, Unix socket only)
# started with RUST_BACKTRACE=1 and RUST_LIB_BACKTRACE unset: a role without SELECT on
# `videos` calls revenue_split_units, which fails inside the extension's query with
# "permission denied for table videos". Needs the extension installed in the system PostgreSQL.
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
source "$ROOT/scripts/lib.sh"
DIR=/tmp/revenue_split_bt
PORT=55441
PASS=0; FAIL=0
check() { # check DESCRIPTION EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then PASS=$((PASS + 1)); echo "ok - $1";
    else FAIL=$((FAIL + 1)); echo "not ok - $1: expected '$2', got '$3'"; fi
}
q() { pg "$DIR" "$PORT" -At -d postgres "$@"; }
cleanup() { cluster_stop "$DIR"; rm -rf "$DIR"; }
trap cleanup EXIT

cleanup
mkdir -p "$DIR"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
as_pg "$PG_BIN/initdb" -D "$DIR/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
printf "listen_addresses = ''\nunix_socket_directories = '%s'\nport = %s\nfsync = off\n" "$DIR" "$PORT" >> "$DIR/data/postgresql.conf"
as_pg env -u RUST_LIB_BACKTRACE RUST_BACKTRACE=1 "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start >/dev/null
postmaster=$(head -1 "$DIR/data/postmaster.pid")
check "the server runs with RUST_BACKTRACE=1" "1" \
    "$(tr '\0' '\n' < "/proc/$postmaster/environ" | sed -n 's/^RUST_BACKTRACE=//p')"

q -f "$ROOT/tests/common/app_tables.sql" >/dev/null
q -c "INSERT INTO public.users VALUES (1, 0, 3, NULL, false)" \
  -c "INSERT INTO public.videos VALUES (11, 1, NULL)" \
  -c "INSERT INTO public.event SELECT 11, 'view', timestamptz '2025-06-10 10:00+00' + g * interval '1 s', 'd' || g, 'i' || g FROM generate_series(1, 10) g" \
  -c "CREATE EXTENSION revenue_split" \
  -c "CREATE ROLE rs_no_videos NOLOGIN" -c "GRANT revenue_split_admin TO rs_no_videos" \
  -c "GRANT SELECT ON public.users, public.event TO rs_no_videos" >/dev/null
check "the fixture works for the owner" "1" "$(q -c "SELECT count(*) FROM revenue_split_units('2025-06-10')")"
out=$(q -v VERBOSITY=verbose -c "SET ROLE rs_no_videos" -c "SELECT * FROM revenue_split_units('2025-06-10')" 2>&1 || true)
check "the error is the permission error" "42501" "$(sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p' <<< "$out" | head -1)"
check "the message names the table" "yes" "$(grep -q 'permission denied for table videos' <<< "$out" && echo yes || echo no)"
check "no Rust backtrace in what the client sees" "0" "$(grep -cE 'backtrace|stack backtrace|rust_begin_unwind|^ *[0-9]+: ' <<< "$out")"
check "the session goes on" "1" "$(q -c "SELECT 1")"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]

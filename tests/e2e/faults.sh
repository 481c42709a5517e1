#!/usr/bin/env bash
# Fault injection on the demo data (issue 6 §3, README "Money"): the monthly commit of 2025-08
# (pool 10,000,000) is hit by
#   - statement_timeout firing mid-commit (a transactions trigger sleeps), and at arbitrary points;
#   - pg_cancel_backend and pg_terminate_backend of a committing session;
#   - a transactions trigger raising on the 3rd insert (and on the 2nd insert of a daily run);
#   - a users row locked FOR UPDATE by another session, with lock_timeout in the committing one;
#   - amounts that overflow the int amount_cents column (pool 9,000,000,000,000);
#   - a bigint balance that overflows in the last write step;
#   - the caller rolling back its own transaction after a successful commit call.
# After each fault: no run, no allocation, no transaction, every balance unchanged. Then the retry
# commits exactly once (a second retry is `skipped`) and the sum of balances grew by exactly
# allocated_cents. Between scenarios the ledger is reset to the demo state.
source "$(dirname "$0")/common.sh"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
fresh_db rs_e2e_faults

POOL=10000000
COMMIT_SQL="SELECT * FROM revenue_split_commit($POOL, 2025, 8)"
TMP=$(mktemp -d /tmp/rs_faults.XXXXXX)
BG=()
trap kill_background EXIT

# wait_gone APPNAME: until no session has that application_name (up to 20 s).
wait_gone() {
    local i
    for i in $(seq 1 200); do
        [ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = '$1'")" = 0 ] && return 0
        sleep 0.1
    done
    return 1
}

# snapshot: the balances before a scenario.
snapshot() { q -c "DROP TABLE IF EXISTS public.fault_before" -c "CREATE TABLE public.fault_before AS SELECT id, current_balance FROM public.users"; }
# nothing_written LABEL: no run, no allocation, no transaction, no balance change since the snapshot.
nothing_written() {
    check "$1: nothing written (runs, allocations, transactions, changed balances, advisory locks)" "0 0 0 0 0" \
        "$(q -c "SELECT (SELECT count(*) FROM revenue_split.runs) || ' ' || (SELECT count(*) FROM revenue_split.allocations) || ' ' ||
                        (SELECT count(*) FROM public.transactions) || ' ' ||
                        (SELECT count(*) FROM public.users u FULL JOIN public.fault_before b USING (id)
                          WHERE u.current_balance IS DISTINCT FROM b.current_balance) || ' ' ||
                        (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))")"
    check "$1: sum of balances unchanged" "$(q -c "SELECT coalesce(sum(current_balance), 0) FROM public.fault_before")" \
        "$(q -c "SELECT coalesce(sum(current_balance), 0) FROM public.users")"
}
# retry_once LABEL [SQL]: the retry commits, a second retry is skipped, the ledger adds up.
retry_once() {
    local sql="${2:-$COMMIT_SQL}" r1 r2
    r1=$(q -c "SELECT status || ' ' || allocated_cents || ' ' || run_id FROM ($sql) c")
    check "$1: the retry commits, allocating what the preview showed" "committed $EXPECTED" "${r1% *}"
    r2=$(q -c "SELECT status || ' ' || run_id FROM ($sql) c")
    check "$1: a second retry is skipped with the same run" "skipped ${r1##* }" "$r2"
    check "$1: one run, its allocations, one ledger row per paid creator" "1 $N_ALLOC $N_PAID" \
        "$(q -c "SELECT (SELECT count(*) FROM revenue_split.runs) || ' ' || (SELECT count(*) FROM revenue_split.allocations) || ' ' ||
                        (SELECT count(*) FROM public.transactions)")"
    check "$1: the sum of balances grew by exactly allocated_cents" \
        "$(q -c "SELECT coalesce(sum(current_balance), 0) + (SELECT allocated_cents FROM revenue_split.runs) FROM public.fault_before")" \
        "$(q -c "SELECT coalesce(sum(current_balance), 0) FROM public.users")"
    check "$1: each balance grew by exactly its ledger rows" "0" \
        "$(q -c "SELECT count(*) FROM public.users u JOIN public.fault_before b USING (id)
                  WHERE coalesce(u.current_balance, 0) - coalesce(b.current_balance, 0)
                        <> (SELECT coalesce(sum(t.amount_cents), 0) FROM public.transactions t WHERE t.recipient = u.id)")"
}
# reset_ledger: back to the demo state (the ledger is empty, the balances as loaded).
reset_ledger() {
    q -c "DELETE FROM revenue_split.allocations" -c "DELETE FROM revenue_split.entries" -c "DELETE FROM revenue_split.accounts" \
      -c "DELETE FROM revenue_split.statement_lines" \
      -c "DELETE FROM revenue_split.runs" -c "DELETE FROM public.transactions" \
      -c "UPDATE public.users u SET current_balance = d.current_balance FROM public.fault_demo d WHERE d.id = u.id"
    no_trigger
    reset_calls
    snapshot
}

# ==== set-up ====
q -c "CREATE TABLE public.fault_demo AS SELECT id, current_balance FROM public.users" \
  -c "CREATE SEQUENCE public.fault_calls" \
  -c "CREATE FUNCTION public.fault_sleep() RETURNS trigger LANGUAGE plpgsql AS \$\$
      BEGIN PERFORM nextval('public.fault_calls'); PERFORM pg_sleep(TG_ARGV[0]::float8); RETURN NEW; END \$\$" \
  -c "CREATE FUNCTION public.fault_raise() RETURNS trigger LANGUAGE plpgsql AS \$\$
      BEGIN
          IF nextval('public.fault_calls') = TG_ARGV[0]::int THEN
              RAISE EXCEPTION 'fault injected on insert #%', TG_ARGV[0] USING ERRCODE = 'P0001';
          END IF;
          RETURN NEW;
      END \$\$" \
  -c "CREATE FUNCTION public.fault_count() RETURNS trigger LANGUAGE plpgsql AS \$\$
      BEGIN PERFORM nextval('public.fault_calls'); RETURN NEW; END \$\$"
snapshot
EXPECTED=$(q -c "SELECT sum(amount_cents) FROM revenue_split_preview($POOL, 2025, 8)")
N_ALLOC=$(q -c "SELECT count(*) FROM revenue_split_preview($POOL, 2025, 8)")
N_PAID=$(q -c "SELECT count(*) FROM revenue_split_preview($POOL, 2025, 8) WHERE amount_cents > 0")
check "set-up: transactions.amount_cents is int in the demo data" "integer" \
    "$(q -c "SELECT data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'transactions' AND column_name = 'amount_cents'")"
check "set-up: the preview allocates the whole pool to $N_PAID paid creators (at least 3)" "$POOL yes" \
    "$EXPECTED $( [ "$N_PAID" -ge 3 ] && echo yes || echo no)"
nothing_written "set-up"

# ==== 1. statement_timeout mid-commit ====
# The trigger sleeps 3 s on the first transactions insert, after the run row was inserted.
q -c "CREATE TRIGGER fault BEFORE INSERT ON public.transactions FOR EACH ROW EXECUTE FUNCTION public.fault_sleep('3')"
st=$(sqlstate -c "SET statement_timeout = '1500ms'" -c "$COMMIT_SQL")
check "statement_timeout: the commit fails with 57014" "57014" "$st"
check "statement_timeout: it fired inside the ledger writes (the transactions trigger was reached)" "1" "$(trigger_calls)"
no_trigger
nothing_written "statement_timeout"
retry_once "statement_timeout"
reset_ledger

# ==== 1b. statement_timeout at arbitrary points (no trigger): all or nothing ====
for t in 5ms 50ms 200ms 400ms 500ms 600ms 1s; do
    st=$(sqlstate -c "SET statement_timeout = '$t'" -c "$COMMIT_SQL")
    if [ "$st" = 57014 ]; then
        nothing_written "statement_timeout $t (fired)"
        retry_once "statement_timeout $t (fired)"
    else
        check "statement_timeout $t (did not fire): committed" "00000" "$st"
        snapshot_sum=$(q -c "SELECT coalesce(sum(current_balance), 0) FROM public.fault_before")
        check "statement_timeout $t (did not fire): one complete run, balances grew by allocated_cents" \
            "1 $N_ALLOC $N_PAID $((snapshot_sum + EXPECTED))" \
            "$(q -c "SELECT (SELECT count(*) FROM revenue_split.runs) || ' ' || (SELECT count(*) FROM revenue_split.allocations) || ' ' ||
                            (SELECT count(*) FROM public.transactions) || ' ' || (SELECT coalesce(sum(current_balance), 0) FROM public.users)")"
    fi
    reset_ledger
done

# ==== 2. pg_cancel_backend of a committing session ====
q -c "CREATE TRIGGER fault BEFORE INSERT ON public.transactions FOR EACH ROW EXECUTE FUNCTION public.fault_sleep('2')"
( PGAPPNAME=rs_fault_cancel psql -X -q -At -d "$DB" -v ON_ERROR_STOP=1 -c "$COMMIT_SQL" >"$TMP/cancel.out" 2>"$TMP/cancel.err" ) &
pid=$!; BG+=("$pid")
wait_for_sleep rs_fault_cancel || true
check "pg_cancel_backend: the committing session is sleeping in the trigger" "1" "$(trigger_calls)"
check "pg_cancel_backend: cancel sent" "t" \
    "$(q -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'rs_fault_cancel'")"
rc=0; wait "$pid" || rc=$?
check "pg_cancel_backend: the commit failed (57014 canceling statement due to user request)" "failed yes" \
    "$( [ "$rc" != 0 ] && echo failed || echo succeeded) $(grep -q 'canceling statement due to user request' "$TMP/cancel.err" && echo yes || echo no)"
no_trigger
nothing_written "pg_cancel_backend"
retry_once "pg_cancel_backend"
reset_ledger

# ==== 3. pg_terminate_backend of a committing session ====
q -c "CREATE TRIGGER fault BEFORE INSERT ON public.transactions FOR EACH ROW EXECUTE FUNCTION public.fault_sleep('2')"
( PGAPPNAME=rs_fault_victim psql -X -q -At -d "$DB" -v ON_ERROR_STOP=1 -c "$COMMIT_SQL" >"$TMP/victim.out" 2>"$TMP/victim.err" ) &
pid=$!; BG+=("$pid")
sleep 1
wait_for_sleep rs_fault_victim || true
check "pg_terminate_backend: the committing session is sleeping in the trigger (mid-commit)" "1" "$(trigger_calls)"
check "pg_terminate_backend: terminated" "t" \
    "$(q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'rs_fault_victim'")"
rc=0; wait "$pid" || rc=$?
check "pg_terminate_backend: the client saw its connection terminated" "failed yes" \
    "$( [ "$rc" != 0 ] && echo failed || echo succeeded) $(grep -Eq 'terminating connection due to administrator command|server closed the connection' "$TMP/victim.err" && echo yes || echo no)"
wait_gone rs_fault_victim || true
check "pg_terminate_backend: the backend is gone" "0" \
    "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'rs_fault_victim'")"
no_trigger
nothing_written "pg_terminate_backend"
retry_once "pg_terminate_backend"
reset_ledger

# ==== 4. a transactions trigger raising on the 3rd insert ====
q -c "CREATE TRIGGER fault BEFORE INSERT ON public.transactions FOR EACH ROW EXECUTE FUNCTION public.fault_raise('3')"
st=$(sqlstate -c "$COMMIT_SQL")
check "trigger raising on the 3rd insert: the commit fails with the trigger's SQLSTATE P0001" "P0001" "$st"
check "trigger raising on the 3rd insert: its message reaches the caller" "yes" \
    "$(grep -q 'fault injected on insert #3' "$TMP/err" && echo yes || echo no)"
check "trigger raising on the 3rd insert: two rows had been inserted before" "3" "$(trigger_calls)"
no_trigger
nothing_written "trigger raising on the 3rd insert"
retry_once "trigger raising on the 3rd insert"
reset_ledger

# ==== 4b. the same on a daily run (2nd insert) ====
DAILY_SQL="SELECT * FROM revenue_split_run(50000, '2025-08-20')"
q -c "CREATE TRIGGER fault BEFORE INSERT ON public.transactions FOR EACH ROW EXECUTE FUNCTION public.fault_raise('2')"
st=$(sqlstate -c "$DAILY_SQL")
check "daily run, trigger raising on the 2nd insert: P0001" "P0001" "$st"
no_trigger
nothing_written "daily run, trigger raising on the 2nd insert"
d_expected=$(q -c "SELECT sum(amount_cents) || ' ' || count(*) FILTER (WHERE amount_cents > 0) FROM revenue_split_preview_day(50000, '2025-08-20')")
check "daily run: the retry commits once" "committed ${d_expected% *}" "$(q -c "SELECT status || ' ' || allocated_cents FROM ($DAILY_SQL) c")"
check "daily run: a second retry is skipped" "skipped" "$(q -c "SELECT status FROM ($DAILY_SQL) c")"
check "daily run: one run, one ledger row per paid creator, balances grew by allocated_cents" \
    "1 ${d_expected#* } $(q -c "SELECT coalesce(sum(current_balance), 0) + ${d_expected% *} FROM public.fault_before")" \
    "$(q -c "SELECT (SELECT count(*) FROM revenue_split.runs) || ' ' || (SELECT count(*) FROM public.transactions) || ' ' ||
                    (SELECT coalesce(sum(current_balance), 0) FROM public.users)")"
reset_ledger

# ==== 5. a users row locked by another session, lock_timeout in the committing session ====
paid1=$(q -c "SELECT creator_id FROM revenue_split_preview($POOL, 2025, 8) WHERE amount_cents > 0 ORDER BY amount_cents DESC LIMIT 1")
( PGAPPNAME=rs_fault_locker psql -X -q -At -d "$DB" -v ON_ERROR_STOP=1 -c "BEGIN" \
    -c "SELECT id FROM public.users WHERE id = $paid1 FOR UPDATE" -c "SELECT pg_sleep(5)" -c "COMMIT" >/dev/null 2>"$TMP/locker.err" ) &
pid=$!; BG+=("$pid")
wait_for_sleep rs_fault_locker || true
t0=$(date +%s.%N)
st=$(sqlstate -c "SET lock_timeout = '200ms'" -c "$COMMIT_SQL")
t1=$(date +%s.%N)
check "lock_timeout on the locked users row $paid1: the commit fails with 55P03" "55P03" "$st"
check "lock_timeout: it gave up while the lock was still held (< 4 s)" "yes" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a < 4) ? "yes" : "no" }')"
check "lock_timeout: the locker still holds its lock" "1" \
    "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'rs_fault_locker' AND state = 'active'")"
nothing_written "lock_timeout"
wait "$pid" || true
retry_once "lock_timeout"
reset_ledger

# ==== 6. amounts that overflow the int amount_cents column ====
HUGE=9000000000000
q -c "CREATE TRIGGER fault BEFORE INSERT ON public.transactions FOR EACH ROW EXECUTE FUNCTION public.fault_count()"
check "int overflow: the largest amount of pool $HUGE exceeds 2147483647" "t" \
    "$(q -c "SELECT max(amount_cents) > 2147483647 FROM revenue_split_preview($HUGE, 2025, 8)")"
st=$(sqlstate -c "SELECT * FROM revenue_split_commit($HUGE, 2025, 8)")
check "int overflow: the commit fails with 22003" "22003" "$st"
check "int overflow: refused before any transactions insert" "0" "$(trigger_calls)"
nothing_written "int overflow"
no_trigger
retry_once "int overflow (retry with pool $POOL)"
reset_ledger

# ==== 7. a bigint balance overflowing in the last write step ====
paid_last=$(q -c "SELECT creator_id FROM revenue_split_preview($POOL, 2025, 8) WHERE amount_cents > 0 ORDER BY creator_id DESC LIMIT 1")
q -c "UPDATE public.users SET current_balance = 9223372036854775000 WHERE id = $paid_last"
snapshot
st=$(sqlstate -c "$COMMIT_SQL")
check "balance overflow of user $paid_last: the commit fails with 22003" "22003" "$st"
nothing_written "balance overflow"
q -c "UPDATE public.users SET current_balance = 0 WHERE id = $paid_last"
snapshot
retry_once "balance overflow (retry after fixing the balance)"
reset_ledger

# ==== 8. the caller rolls back its own transaction after a successful commit call ====
r=$(q -c "BEGIN" -c "SELECT status FROM ($COMMIT_SQL) c" -c "ROLLBACK")
check "caller's ROLLBACK: the commit call itself succeeded" "committed" "$r"
nothing_written "caller's ROLLBACK"
retry_once "caller's ROLLBACK"
reset_ledger

check "the end: no fault trigger left, no session left behind" "0 0" \
    "$(q -c "SELECT (SELECT count(*) FROM pg_trigger WHERE tgname = 'fault') || ' ' ||
                    (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'rs_fault_%')")"
finish

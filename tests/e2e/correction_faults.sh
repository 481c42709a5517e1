#!/usr/bin/env bash
# Fault injection in the middle of a correction (SPEC §9; the faults of tests/e2e/faults.sh), on the
# demo data: August 2025 is committed with pool 10,000,000, then for each fault the data changes
# (a KYC level raised, a bot found) so that revenue_split_correct(2025, 8) has credits (inflow rows)
# and clawbacks (outflow rows) to post, and the correction is hit by
#   1. statement_timeout firing inside the ledger writes (a transactions trigger sleeps);
#   2. pg_cancel_backend of the correcting session (sleeping in the trigger);
#   3. a transactions trigger raising on the 3rd insert;
#   4. a users row locked FOR UPDATE by another session, with lock_timeout in the correcting one;
#   5. amounts that overflow the int amount_cents column (pool 9,000,000,000,000);
#   6. the caller rolling back its own transaction after a successful correction call.
# After each fault nothing is left behind: the extension's tables (runs, entries, statements:
# every table of the schema revenue_split but config), transactions, users.current_balance and
# the revenue_split.balances view are exactly as before, and no advisory lock is held. Then the
# retry posts the correction once, with the deltas its preview showed, a second retry is
# `unchanged`, and the §9 invariants hold.
source "$(dirname "$0")/common.sh"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
fresh_db rs_e2e_correction_faults

POOL=10000000
CORRECT_SQL="SELECT * FROM revenue_split_correct(2025, 8)"
TMP=$(mktemp -d /tmp/rs_correction_faults.XXXXXX)
BG=()
trap kill_background EXIT


# ==== set-up ====
q -c "CREATE TABLE public.fault_initial AS SELECT id, current_balance FROM public.users" \
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
# Everything a failed correction must leave as it was: the row count of every table of the
# extension's schema but config, the ledger (rows and signed sum), every balance, the balances view.
q -c "CREATE FUNCTION public.fault_fingerprint() RETURNS text LANGUAGE plpgsql AS \$\$
      DECLARE r regclass; n bigint; out text := '';
      BEGIN
          FOR r IN SELECT oid FROM pg_class WHERE relnamespace = 'revenue_split'::regnamespace AND relkind IN ('r', 'p')
                     AND NOT relispartition AND relname <> 'config' ORDER BY relname LOOP
              EXECUTE format('SELECT count(*) FROM %s', r) INTO n;
              out := out || r::text || '=' || n || ' ';
          END LOOP;
          RETURN out
              || (SELECT 'tx=' || count(*) || '/' || coalesce(sum(CASE direction WHEN 'inflow' THEN amount_cents ELSE -amount_cents END), 0)
                    FROM public.transactions)
              || ' users=' || (SELECT md5(string_agg(id || ':' || coalesce(current_balance::text, 'NULL'), ',' ORDER BY id)) FROM public.users)
              || ' balances=' || (SELECT md5(coalesce(string_agg(creator_id || ':' || earned_cents || ':' || paid_cents || ':' || owed_cents, ','
                                                                   ORDER BY creator_id), '')) FROM revenue_split.balances);
      END \$\$"
fingerprint() { q -c "SELECT public.fault_fingerprint()"; }
snapshot() { BEFORE=$(fingerprint); }
# nothing_written LABEL
nothing_written() {
    check "$1: nothing left behind (extension tables, transactions, balances, balances view)" "$BEFORE" "$(fingerprint)"
    check "$1: no advisory lock left behind" "0" \
        "$(q -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")"
}
# expect: "changed credited debited" as the preview shows it now (what the correction must post)
expect() {
    EXP=$(q -c "SELECT count(*) FILTER (WHERE delta_cents <> 0) || ' ' || coalesce(sum(delta_cents) FILTER (WHERE delta_cents > 0), 0) || ' '
                       || coalesce(-sum(delta_cents) FILTER (WHERE delta_cents < 0), 0)
                  FROM revenue_split_preview_correction(2025, 8)")
    EXP_OUT=$(q -c "SELECT count(*) FILTER (WHERE delta_cents < 0) FROM revenue_split_preview_correction(2025, 8)")
}
# invariants LABEL
invariants() {
    check "$1: earned = paid + owed, nothing owed" "0" \
        "$(q -c "SELECT count(*) FROM revenue_split.balances WHERE earned_cents <> paid_cents + owed_cents OR owed_cents <> 0")"
    check "$1: Σ signed ledger rows = paid_cents per creator" "0" \
        "$(q -c "SELECT count(*) FROM revenue_split.balances b
                   FULL JOIN (SELECT recipient, sum(CASE direction WHEN 'inflow' THEN amount_cents ELSE -amount_cents END) AS s
                                FROM public.transactions GROUP BY recipient) t ON t.recipient = b.creator_id
                  WHERE coalesce(b.paid_cents, 0) <> coalesce(t.s, 0)")"
    check "$1: each balance = its initial value + Σ its signed ledger rows" "0" \
        "$(q -c "SELECT count(*) FROM public.users u JOIN public.fault_initial i USING (id)
                  WHERE coalesce(u.current_balance, 0) - coalesce(i.current_balance, 0)
                        <> (SELECT coalesce(sum(CASE direction WHEN 'inflow' THEN amount_cents ELSE -amount_cents END), 0)
                              FROM public.transactions t WHERE t.recipient = u.id)")"
}
# retry_once LABEL: the correction posts once with the expected deltas; a second one is unchanged.
retry_once() {
    local n0 out0 m0 r
    n0=$(q -c "SELECT count(*) FROM public.transactions")
    m0=$(q -c "SELECT coalesce(max(id), 0) FROM public.transactions")
    out0=$(q -c "SELECT count(*) FROM public.transactions WHERE direction = 'outflow'")
    r=$(q -c "SELECT status || ' ' || creators_changed || ' ' || credited_cents || ' ' || debited_cents FROM ($CORRECT_SQL) c")
    check "$1: the retry posts the correction with the previewed deltas" "corrected $EXP" "$r"
    check "$1: one ledger row per changed creator, $EXP_OUT of them clawbacks" "$((n0 + ${EXP%% *})) $((out0 + EXP_OUT))" \
        "$(q -c "SELECT count(*) || ' ' || count(*) FILTER (WHERE direction = 'outflow') FROM public.transactions")"
    check "$1: the clawbacks and credits are of payment_type revenue_split_monthly_adjustment" "0" \
        "$(q -c "SELECT count(*) FROM public.transactions WHERE id > $m0 AND payment_type <> 'revenue_split_monthly_adjustment'")"
    check "$1: a second retry is unchanged" "unchanged 0" \
        "$(q -c "SELECT status || ' ' || creators_changed FROM ($CORRECT_SQL) c")"
    check "$1: no delta left" "0" "$(q -c "SELECT count(*) FROM revenue_split_preview_correction(2025, 8) WHERE delta_cents <> 0")"
    invariants "$1"
}

check "set-up: transactions.amount_cents is int in the demo data" "integer" \
    "$(q -c "SELECT data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'transactions' AND column_name = 'amount_cents'")"
check "set-up: August 2025 committed" "committed" "$(q -c "SELECT status FROM revenue_split_commit($POOL, 2025, 8)")"
check "set-up: nothing to correct yet" "unchanged" "$(q -c "SELECT status FROM ($CORRECT_SQL) c")"
invariants "set-up"

# ==== 1. statement_timeout mid-correction ====
q -c "UPDATE public.users SET kyc_level = 3 WHERE id = 5"   # erin: KYC 0 -> 3
expect; snapshot
check "statement_timeout set-up: the correction has credits and clawbacks" "yes" \
    "$( [ "$EXP_OUT" -gt 0 ] && [ "${EXP%% *}" -gt "$EXP_OUT" ] && echo yes || echo no)"
q -c "CREATE TRIGGER fault BEFORE INSERT ON public.transactions FOR EACH ROW EXECUTE FUNCTION public.fault_sleep('3')"
reset_calls
st=$(sqlstate -c "SET statement_timeout = '1500ms'" -c "$CORRECT_SQL")
check "statement_timeout: the correction fails with 57014" "57014" "$st"
check "statement_timeout: it fired inside the ledger writes" "1" "$(trigger_calls)"
no_trigger
nothing_written "statement_timeout"
retry_once "statement_timeout"

# ==== 2. pg_cancel_backend of a correcting session ====
q -c "UPDATE public.users SET kyc_level = 3 WHERE id = 7"   # gina: KYC 2 -> 3
expect; snapshot
q -c "CREATE TRIGGER fault BEFORE INSERT ON public.transactions FOR EACH ROW EXECUTE FUNCTION public.fault_sleep('2')"
reset_calls
( PGAPPNAME=rs_cfault_cancel psql -X -q -At -d "$DB" -v ON_ERROR_STOP=1 -c "$CORRECT_SQL" >"$TMP/cancel.out" 2>"$TMP/cancel.err" ) &
pid=$!; BG+=("$pid")
wait_for_sleep rs_cfault_cancel || true
check "pg_cancel_backend: the correcting session sleeps in the trigger" "1" "$(trigger_calls)"
check "pg_cancel_backend: cancel sent" "t" \
    "$(q -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'rs_cfault_cancel'")"
rc=0; wait "$pid" || rc=$?
check "pg_cancel_backend: the correction failed (canceling statement due to user request)" "failed yes" \
    "$( [ "$rc" != 0 ] && echo failed || echo succeeded) $(grep -q 'canceling statement due to user request' "$TMP/cancel.err" && echo yes || echo no)"
no_trigger
nothing_written "pg_cancel_backend"
retry_once "pg_cancel_backend"

# ==== 3. a transactions trigger raising on the 3rd insert ====
q -c "UPDATE public.users SET kyc_level = 3 WHERE id = 3"   # carol: KYC 2 -> 3
expect; snapshot
check "failing trigger set-up: the correction writes at least 3 ledger rows" "yes" "$( [ "${EXP%% *}" -ge 3 ] && echo yes || echo no)"
q -c "CREATE TRIGGER fault BEFORE INSERT ON public.transactions FOR EACH ROW EXECUTE FUNCTION public.fault_raise('3')"
reset_calls
st=$(sqlstate -c "$CORRECT_SQL")
check "failing trigger: the correction fails with the trigger's P0001" "P0001" "$st"
check "failing trigger: its message reaches the caller" "yes" "$(grep -q 'fault injected on insert #3' "$TMP/err" && echo yes || echo no)"
check "failing trigger: the trigger ran 3 times (2 rows inserted, the 3rd refused)" "3" "$(trigger_calls)"
no_trigger
nothing_written "failing trigger"
retry_once "failing trigger"

# ==== 4. a users row locked by another session, lock_timeout in the correcting one ====
q -c "UPDATE public.users SET kyc_level = 3 WHERE id = 2"   # bob: KYC 1 -> 3
expect; snapshot
locked=$(q -c "SELECT creator_id FROM revenue_split_preview_correction(2025, 8) WHERE delta_cents <> 0 ORDER BY abs(delta_cents) DESC, creator_id LIMIT 1")
( PGAPPNAME=rs_cfault_locker psql -X -q -At -d "$DB" -v ON_ERROR_STOP=1 -c "BEGIN" \
    -c "SELECT id FROM public.users WHERE id = $locked FOR UPDATE" -c "SELECT pg_sleep(5)" -c "COMMIT" >/dev/null 2>"$TMP/locker.err" ) &
pid=$!; BG+=("$pid")
wait_for_sleep rs_cfault_locker || true
t0=$(date +%s.%N)
st=$(sqlstate -c "SET lock_timeout = '200ms'" -c "$CORRECT_SQL")
t1=$(date +%s.%N)
check "lock_timeout on the locked users row $locked: the correction fails with 55P03" "55P03" "$st"
check "lock_timeout: it gave up while the lock was still held (< 4 s)" "yes" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a < 4) ? "yes" : "no" }')"
nothing_written "lock_timeout"
wait "$pid" || true
retry_once "lock_timeout"

# ==== 5. amounts that overflow the int amount_cents column ====
q -c "UPDATE public.users SET likely_bot = true WHERE id = 6"   # frank turns out to be a bot
expect; snapshot
HUGE=9000000000000
check "int overflow: with pool $HUGE a target exceeds 2147483647" "t" \
    "$(q -c "SELECT max(delta_cents) > 2147483647 FROM revenue_split_preview_correction(2025, 8, $HUGE)")"
q -c "CREATE TRIGGER fault BEFORE INSERT ON public.transactions FOR EACH ROW EXECUTE FUNCTION public.fault_count()"
reset_calls
st=$(sqlstate -c "SELECT * FROM revenue_split_correct(2025, 8, $HUGE)")
check "int overflow: the correction fails with 22003" "22003" "$st"
no_trigger
nothing_written "int overflow"
retry_once "int overflow (retry with the key's pool)"

# ==== 6. the caller rolls back its own transaction after a successful correction call ====
q -c "UPDATE public.users SET creator_trust_score = 100 WHERE id = 1"   # alice: trust 80 -> 100
expect; snapshot
r=$(q -c "BEGIN" -c "SELECT status FROM ($CORRECT_SQL) c" -c "ROLLBACK")
check "caller's ROLLBACK: the correction call itself succeeded" "corrected" "$r"
nothing_written "caller's ROLLBACK"
retry_once "caller's ROLLBACK"

check "the end: one committed run, six corrections" "1 6" \
    "$(q -c "SELECT count(*) FILTER (WHERE status = 'committed') || ' ' || count(*) FILTER (WHERE status = 'correction') FROM revenue_split.runs")"
check "the end: a commit of August is still skipped" "skipped" "$(q -c "SELECT status FROM revenue_split_commit($POOL, 2025, 8)")"
check "the end: no fault trigger left, no session left behind" "0 0" \
    "$(q -c "SELECT (SELECT count(*) FROM pg_trigger WHERE tgname = 'fault') || ' ' ||
                    (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'rs_cfault_%')")"
finish

#!/usr/bin/env bash
# Two sessions race the same run key with corrections (SPEC §9: a correction takes the run key's
# lock of §6.2, and every read of the call uses one snapshot taken after it). On the demo data,
# August 2025, pool 10,000,000:
#   1. A commits (holding its transaction 3 s), B corrects: B waits on the key, then sees the run
#      and the data it was computed from -> `unchanged` (not "nothing to correct", not a 2nd payment).
#   2. A corrects (holding 3 s), B commits: B waits, then `skipped` with the original run.
#   3. A corrects (holding 3 s), B corrects the same change: B waits, then `unchanged`
#      (with a snapshot taken before A's commit B would pay the same deltas a second time).
#   4. A corrects then rolls back, B corrects: B waits, then posts the correction itself.
#   5. A corrects with pool 12,000,000 (holding 3 s), B corrects with the same pool: `unchanged`.
# Each data change before a race is a KYC level raised, so every correction has credits and clawbacks.
# After every race: exactly one effect, and the invariants hold (earned = paid + owed; Σ signed
# ledger rows = paid per creator; each balance = its initial value + Σ signed rows; no delta left).
source "$(dirname "$0")/common.sh"
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
fresh_db rs_e2e_correction_race

POOL=10000000
TMP=$(mktemp -d /tmp/rs_correction_race.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
q -c "CREATE TABLE public.race_initial AS SELECT id, current_balance FROM public.users"

# invariants LABEL: the §9 invariants over the whole ledger
invariants() {
    check "$1: earned = paid + owed for every creator" "0" \
        "$(q -c "SELECT count(*) FROM revenue_split.balances WHERE earned_cents <> paid_cents + owed_cents")"
    check "$1: Σ signed ledger rows = paid_cents per creator" "0" \
        "$(q -c "SELECT count(*) FROM revenue_split.balances b
                   FULL JOIN (SELECT recipient, sum(CASE direction WHEN 'inflow' THEN amount_cents ELSE -amount_cents END) AS s
                                FROM public.transactions GROUP BY recipient) t ON t.recipient = b.creator_id
                  WHERE coalesce(b.paid_cents, 0) <> coalesce(t.s, 0)")"
    check "$1: each balance = its initial value + Σ its signed ledger rows" "0" \
        "$(q -c "SELECT count(*) FROM public.users u JOIN public.race_initial i USING (id)
                  WHERE coalesce(u.current_balance, 0) - coalesce(i.current_balance, 0)
                        <> (SELECT coalesce(sum(CASE direction WHEN 'inflow' THEN amount_cents ELSE -amount_cents END), 0)
                              FROM public.transactions t WHERE t.recipient = u.id)")"
    check "$1: nothing owed with the default policies" "0" \
        "$(q -c "SELECT count(*) FROM revenue_split.balances WHERE owed_cents <> 0")"
    check "$1: no delta left for August (earned = latest target)" "0" \
        "$(q -c "SELECT count(*) FROM revenue_split_preview_correction(2025, 8) WHERE delta_cents <> 0")"
    check "$1: no advisory lock left behind" "0" \
        "$(q -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")"
}
# corrections: how many correction runs August has
corrections() { q -c "SELECT count(*) FROM revenue_split.runs WHERE status = 'correction'"; }
# expect_deltas: the preview's "changed credited debited" (what the winning correction must report)
expect_deltas() {
    q -c "SELECT count(*) FILTER (WHERE delta_cents <> 0) || ' ' || coalesce(sum(delta_cents) FILTER (WHERE delta_cents > 0), 0) || ' '
                 || coalesce(-sum(delta_cents) FILTER (WHERE delta_cents < 0), 0)
            FROM revenue_split_preview_correction(2025, 8)"
}
# waited LABEL T0 T1: B spent at least 1.5 s in its call (A held the key for 3 s from 1 s before B started)
waited() { check "$1: B waited for A's transaction (>= 1.5 s)" "yes" "$(awk -v a="$2" -v b="$3" 'BEGIN { print (b - a >= 1.5) ? "yes" : "no" }')"; }
CORR_COLS="status || ' ' || creators_changed || ' ' || credited_cents || ' ' || debited_cents"

# ==== race 1: commit (A) vs correction (B) ====
( q -c "BEGIN" -c "SELECT run_id || ' ' || status FROM revenue_split_commit($POOL, 2025, 8)" \
    -c "SELECT pg_sleep(3)" -c "COMMIT" > "$TMP/a1.out" 2> "$TMP/a1.err" ) &
sleep 1
t0=$(date +%s.%N)
b=$(psql -X -q -At -d "$DB" -c "SELECT status FROM revenue_split_correct(2025, 8)" 2> "$TMP/b1.err" || true)
t1=$(date +%s.%N)
wait
RUN=$(q -c "SELECT run_id FROM revenue_split.runs WHERE status = 'committed'")
waited "race 1" "$t0" "$t1"
check "race 1: A committed" "$RUN committed" "$(head -1 "$TMP/a1.out")"
check "race 1: B waited for the commit, then found nothing to change" "unchanged" "$b"
check "race 1: B raised no error" "" "$(cat "$TMP/b1.err")"
check "race 1: one run, no correction" "1 0" "$(q -c "SELECT count(*) FROM revenue_split.runs") $(corrections)"
check "race 1: one ledger row per paid creator" \
    "$(q -c "SELECT count(*) FROM revenue_split.allocations WHERE amount_cents > 0")" "$(q -c "SELECT count(*) FROM public.transactions")"
invariants "race 1"

# ==== race 2: correction (A) vs commit (B) ====
q -c "UPDATE public.users SET kyc_level = 3 WHERE id = 5"   # erin: KYC 0 -> 3, earns a share now
exp=$(expect_deltas)
check "race 2 set-up: the change gives credits and clawbacks" "yes" \
    "$(q -c "SELECT CASE WHEN count(*) FILTER (WHERE delta_cents > 0) > 0 AND count(*) FILTER (WHERE delta_cents < 0) > 0 THEN 'yes' ELSE 'no' END
               FROM revenue_split_preview_correction(2025, 8)")"
tx0=$(q -c "SELECT count(*) FROM public.transactions")
( q -c "BEGIN" -c "SELECT $CORR_COLS FROM revenue_split_correct(2025, 8)" -c "SELECT pg_sleep(3)" -c "COMMIT" \
    > "$TMP/a2.out" 2> "$TMP/a2.err" ) &
sleep 1
t0=$(date +%s.%N)
b=$(psql -X -q -At -d "$DB" -c "SELECT run_id || ' ' || status FROM revenue_split_commit($POOL, 2025, 8)" 2> "$TMP/b2.err" || true)
t1=$(date +%s.%N)
wait
waited "race 2" "$t0" "$t1"
check "race 2: A corrected, with the previewed deltas" "corrected $exp" "$(head -1 "$TMP/a2.out")"
check "race 2: B waited, then skipped with the original run" "$RUN skipped" "$b"
check "race 2: one correction" "1" "$(corrections)"
check "race 2: one ledger row per changed creator" "$((tx0 + ${exp%% *}))" "$(q -c "SELECT count(*) FROM public.transactions")"
invariants "race 2"

# ==== race 3: correction (A) vs correction (B) of the same change ====
q -c "UPDATE public.users SET kyc_level = 3 WHERE id = 7"   # gina: KYC 2 -> 3 (no cap)
exp=$(expect_deltas)
check "race 3 set-up: the change moves money" "yes" "$( [ "${exp%% *}" -gt 0 ] && echo yes || echo no)"
tx0=$(q -c "SELECT count(*) FROM public.transactions")
sum0=$(q -c "SELECT coalesce(sum(current_balance), 0) FROM public.users")
( q -c "BEGIN" -c "SELECT $CORR_COLS FROM revenue_split_correct(2025, 8)" -c "SELECT pg_sleep(3)" -c "COMMIT" \
    > "$TMP/a3.out" 2> "$TMP/a3.err" ) &
sleep 1
t0=$(date +%s.%N)
b=$(psql -X -q -At -d "$DB" -c "SELECT $CORR_COLS FROM revenue_split_correct(2025, 8)" 2> "$TMP/b3.err" || true)
t1=$(date +%s.%N)
wait
waited "race 3" "$t0" "$t1"
check "race 3: A corrected" "corrected $exp" "$(head -1 "$TMP/a3.out")"
check "race 3: B waited, saw A's correction, and changed nothing" "unchanged 0 0 0" "$b"
check "race 3: two corrections in all (one per race)" "2" "$(corrections)"
check "race 3: one ledger row per changed creator, once" "$((tx0 + ${exp%% *}))" "$(q -c "SELECT count(*) FROM public.transactions")"
cred=$(echo "$exp" | cut -d' ' -f2); deb=$(echo "$exp" | cut -d' ' -f3)
check "race 3: the balances moved by credited - debited, once" "$((sum0 + cred - deb))" \
    "$(q -c "SELECT coalesce(sum(current_balance), 0) FROM public.users")"
invariants "race 3"

# ==== race 4: correction (A, rolled back) vs correction (B) ====
q -c "UPDATE public.users SET kyc_level = 3 WHERE id = 3"   # carol: KYC 2 -> 3
exp=$(expect_deltas)
tx0=$(q -c "SELECT count(*) FROM public.transactions")
( q -c "BEGIN" -c "SELECT $CORR_COLS FROM revenue_split_correct(2025, 8)" -c "SELECT pg_sleep(3)" -c "ROLLBACK" \
    > "$TMP/a4.out" 2> "$TMP/a4.err" ) &
sleep 1
t0=$(date +%s.%N)
b=$(psql -X -q -At -d "$DB" -c "SELECT $CORR_COLS FROM revenue_split_correct(2025, 8)" 2> "$TMP/b4.err" || true)
t1=$(date +%s.%N)
wait
waited "race 4" "$t0" "$t1"
check "race 4: A computed the correction (then rolled back)" "corrected $exp" "$(head -1 "$TMP/a4.out")"
check "race 4: B waited, then posted the same correction" "corrected $exp" "$b"
check "race 4: three corrections in all" "3" "$(corrections)"
check "race 4: the ledger rows of one correction" "$((tx0 + ${exp%% *}))" "$(q -c "SELECT count(*) FROM public.transactions")"
invariants "race 4"

# ==== race 5: two corrections with the same new pool ====
exp=$(q -c "SELECT count(*) FILTER (WHERE delta_cents <> 0) FROM revenue_split_preview_correction(2025, 8, 12000000)")
tx0=$(q -c "SELECT count(*) FROM public.transactions")
( q -c "BEGIN" -c "SELECT status || ' ' || pool_cents FROM revenue_split_correct(2025, 8, 12000000)" -c "SELECT pg_sleep(3)" -c "COMMIT" \
    > "$TMP/a5.out" 2> "$TMP/a5.err" ) &
sleep 1
t0=$(date +%s.%N)
b=$(psql -X -q -At -d "$DB" -c "SELECT status || ' ' || pool_cents FROM revenue_split_correct(2025, 8, 12000000)" 2> "$TMP/b5.err" || true)
t1=$(date +%s.%N)
wait
waited "race 5" "$t0" "$t1"
check "race 5: A corrected to pool 12,000,000" "corrected 12000000" "$(head -1 "$TMP/a5.out")"
check "race 5: B waited, then unchanged" "unchanged 12000000" "$b"
check "race 5: four corrections in all" "4" "$(corrections)"
check "race 5: the ledger rows of one correction" "$((tx0 + exp))" "$(q -c "SELECT count(*) FROM public.transactions")"
check "race 5: the earned total of August = 12,000,000 - unallocated" \
    "$(q -c "SELECT 12000000 - unallocated_cents FROM revenue_split_correct(2025, 8)")" \
    "$(q -c "SELECT sum(earned_cents) FROM revenue_split.balances")"
invariants "race 5"
check "a commit of August with its first pool is still skipped" "$RUN skipped" \
    "$(q -c "SELECT run_id || ' ' || status FROM revenue_split_commit($POOL, 2025, 8)")"
finish

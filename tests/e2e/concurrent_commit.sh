#!/usr/bin/env bash
# Two sessions race the same run key. The first holds its transaction open for 3 s after
# committing the run; the second must wait on the run-key lock, then see the first run and
# report `skipped` with its run_id. Then: a first session that rolls back leaves the key free,
# and the waiting session commits.
source "$(dirname "$0")/common.sh"
fresh_db rs_e2e_race

# Race 1: A commits, B skips.
( q -c "BEGIN" -c "SELECT run_id || ' ' || status FROM revenue_split_commit(10000000, 2025, 8)" \
    -c "SELECT pg_sleep(3)" -c "COMMIT" > /tmp/rs_race_a.out ) &
sleep 1
b=$(q -c "SELECT run_id || ' ' || status FROM revenue_split_commit(10000000, 2025, 8)")
wait
a=$(head -1 /tmp/rs_race_a.out)
check "first session committed" "1 committed" "$a"
check "second session waited and skipped with the same run_id" "1 skipped" "$b"
check "one run row" "1" "$(q -c "SELECT count(*) FROM revenue_split.runs")"
paid=$(q -c "SELECT count(*) FROM revenue_split.allocations WHERE amount_cents > 0")
check "one ledger row per paid creator" "$paid" "$(q -c "SELECT count(*) FROM public.transactions")"
check "balances grew by exactly the allocated amount" \
    "$(q -c "SELECT allocated_cents + 1200 FROM revenue_split.runs")" \
    "$(q -c "SELECT sum(coalesce(current_balance, 0)) FROM public.users")"

# Race 2 (daily run): A rolls back, B commits.
( q -c "BEGIN" -c "SELECT status FROM revenue_split_run(50000, '2025-08-20')" \
    -c "SELECT pg_sleep(3)" -c "ROLLBACK" > /tmp/rs_race_a2.out ) &
sleep 1
b=$(q -c "SELECT status FROM revenue_split_run(50000, '2025-08-20')")
wait
check "first daily session computed a run (then rolled back)" "committed" "$(head -1 /tmp/rs_race_a2.out)"
check "second daily session committed after the rollback" "committed" "$b"
check "one daily run row" "1" "$(q -c "SELECT count(*) FROM revenue_split.runs WHERE kind = 'daily'")"
check "daily ledger rows match its paid allocations" \
    "$(q -c "SELECT count(*) FROM revenue_split.allocations a JOIN revenue_split.runs r USING (run_id) WHERE r.kind = 'daily' AND a.amount_cents > 0")" \
    "$(q -c "SELECT count(*) FROM public.transactions WHERE payment_type = 'revenue_split'")"
finish

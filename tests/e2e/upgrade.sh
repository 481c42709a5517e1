#!/usr/bin/env bash
# Upgrades in place, from the frozen 0.1.0 (through 0.2.0) and from the frozen 0.2.0:
# (a) runs, allocations, the ledger and the config survive; every 0.2.0 run counts as
#     earned = paid in the owed ledger; a month that 0.2.0 paid twice (its run key contained
#     the monthly payment type) stays paid and can be corrected; the functions work;
# (b) the upgraded extension's objects equal a fresh install's (tests/upgrade/
#     describe_extension.sql: definitions, columns, constraints, indexes, ACLs, comments,
#     config-dump marks).
source "$(dirname "$0")/common.sh"
current=$(sed -n "s/^version = \"\(.*\)\"/\1/p" "$E2E_ROOT/Cargo.toml")
old_runs="SELECT md5(string_agg(pg_catalog.concat_ws(',', run_id, kind, period_start, period_end, payment_type, pool_cents,
    allocated_cents, unallocated_cents, total_units, creators, config, committed_at), '|' ORDER BY run_id)) FROM revenue_split.runs"
describe() { q -At -f "$E2E_ROOT/tests/upgrade/describe_extension.sql"; }

# This server runs the current library: a database still on 0.1.0 / 0.2.0 objects gets a
# clear error until it is updated, and its data is written the way those versions wrote it
# (the allocation of a current preview of the same data, recorded as 0.2.0's commit did).

# ---- from 0.1.0, through 0.2.0, to the current version ----
fresh_db rs_upgrade no-extension
q -c "CREATE EXTENSION revenue_split VERSION '0.1.0'"
q -c "INSERT INTO revenue_split.config (app_schema, weight_share) VALUES ('public', 9)"
check "0.1.0 objects with the current library: a clear error" "55000" \
    "$(q -v VERBOSITY=verbose -c "SELECT * FROM revenue_split_preview(1000, 2025, 8)" 2>&1 | sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p')"
q -c "ALTER EXTENSION revenue_split UPDATE"
check "0.1.0: updated to the current version" "$current" "$(q -c "SELECT extversion FROM pg_extension WHERE extname = 'revenue_split'")"
check "0.1.0: config intact" "9" "$(q -c "SELECT weight_share FROM revenue_split.config")"
check "0.1.0: the functions work after the update" "committed" "$(q -c "SELECT status FROM revenue_split_commit(10000000, 2025, 8)" 2>/dev/null)"
describe > /tmp/rs_upgraded_010.txt

# ---- from 0.2.0: a month paid twice by the 0.2.0 bug, and a daily run ----
fresh_db rs_upgrade_ref
august=$(q -c "SELECT string_agg(pg_catalog.format('(%s, %s, %s, %s, %s, %L::bool)', creator_id, units, coalesce(kyc_level::text, 'NULL'),
                  coalesce(cap_cents::text, 'NULL'), amount_cents, capped), ', ') FROM revenue_split_preview(10000000, 2025, 8)")
day=$(q -c "SELECT string_agg(pg_catalog.format('(%s, %s, %s, %s, %s, %L::bool)', creator_id, units, coalesce(kyc_level::text, 'NULL'),
               coalesce(cap_cents::text, 'NULL'), amount_cents, capped), ', ') FROM revenue_split_preview_day(20000, '2025-08-20')")
fresh_db rs_upgrade no-extension
q -c "CREATE EXTENSION revenue_split VERSION '0.2.0'"
# What 0.2.0's revenue_split_commit / revenue_split_run wrote: a run, its allocations, one
# pending inflow per paid creator, the balances. August twice (after a change of
# monthly_payment_type), 2025-08-20 once.
record() { # record KIND START END PAYMENT_TYPE POOL ROWS
    q <<SQL >/dev/null
WITH a(creator_id, units, kyc_level, cap_cents, amount_cents, capped) AS (VALUES $6),
run AS (
    INSERT INTO revenue_split.runs (kind, period_start, period_end, payment_type, pool_cents, allocated_cents,
                                    unallocated_cents, total_units, creators, config)
    SELECT '$1', '$2', '$3', '$4', $5, sum(amount_cents), $5 - sum(amount_cents), sum(units),
           count(*) FILTER (WHERE amount_cents > 0), '{"monthly_payment_type": "$4"}'
    FROM a RETURNING run_id),
tx AS (
    INSERT INTO public.transactions (recipient, amount_cents, payment_type, status, direction)
    SELECT creator_id, amount_cents, '$4', 'pending', 'inflow' FROM a WHERE amount_cents > 0
    RETURNING id, recipient),
bal AS (
    UPDATE public.users u SET current_balance = coalesce(u.current_balance, 0) + a.amount_cents
    FROM a WHERE a.creator_id = u.id AND a.amount_cents > 0)
INSERT INTO revenue_split.allocations (run_id, creator_id, units, kyc_level, cap_cents, amount_cents, capped, transaction_id)
SELECT (SELECT run_id FROM run), a.creator_id, a.units, a.kyc_level, a.cap_cents, a.amount_cents, a.capped, tx.id
FROM a LEFT JOIN tx ON tx.recipient = a.creator_id;
SQL
}
record monthly 2025-08-01 2025-09-01 revenue_split_monthly 10000000 "$august"
record monthly 2025-08-01 2025-09-01 payout_v2 10000000 "$august"
record daily 2025-08-20 2025-08-21 revenue_split 20000 "$day"
check "0.2.0 paid August twice (the bug being fixed)" "2" "$(q -c "SELECT count(*) FROM revenue_split.runs WHERE kind = 'monthly'")"
check "0.2.0 objects with the current library: the doctor reports the version, and only that" \
    "version|error|revenue_split 0.2.0 is installed in this database, but the server loaded the $current library; run ALTER EXTENSION revenue_split UPDATE" \
    "$(q -A -F '|' -c "SELECT * FROM revenue_split_doctor()" 2>&1)"
before=$(q -c "$old_runs")
alloc_before=$(q -c "SELECT md5(string_agg(a::text, '|' ORDER BY run_id, creator_id)) FROM revenue_split.allocations a")
tx_before=$(q -c "SELECT count(*) || '/' || sum(amount_cents) FROM public.transactions")
balances_before=$(q -c "SELECT sum(current_balance) FROM public.users")

q -c "ALTER EXTENSION revenue_split UPDATE"
check "0.2.0: updated to the current version" "$current" "$(q -c "SELECT extversion FROM pg_extension WHERE extname = 'revenue_split'")"
check "0.2.0: runs intact" "$before" "$(q -c "$old_runs")"
check "0.2.0: allocations intact" "$alloc_before" "$(q -c "SELECT md5(string_agg(a::text, '|' ORDER BY run_id, creator_id)) FROM revenue_split.allocations a")"
check "0.2.0: ledger intact" "$tx_before" "$(q -c "SELECT count(*) || '/' || sum(amount_cents) FROM public.transactions")"
check "0.2.0: statuses: first runs committed, the second August a repeat of the first" \
    "1:committed:|2:repeat:1|3:committed:" \
    "$(q -c "SELECT string_agg(run_id || ':' || status || ':' || coalesce(corrects::text, ''), '|' ORDER BY run_id) FROM revenue_split.runs")"
check "0.2.0: every run counts as earned = paid, nothing owed" "0|0" \
    "$(q -c "SELECT count(*) FILTER (WHERE earned_cents <> paid_cents) || '|' || coalesce(sum(owed_cents), 0) FROM revenue_split.balances")"
check "0.2.0: paid per creator = the creator's ledger rows" "0" \
    "$(q -c "SELECT count(*) FROM revenue_split.balances b
              WHERE b.paid_cents <> (SELECT coalesce(sum(t.amount_cents), 0) FROM public.transactions t WHERE t.recipient = b.creator_id)")"
check "0.2.0: the month is still paid, whatever the payment type" "skipped" \
    "$(q -c "SELECT status FROM revenue_split_commit(10000000, 2025, 8)" 2>/dev/null)"
check "0.2.0: a repeat with another pool is refused" "23505" \
    "$(q -v VERBOSITY=verbose -c "SELECT status FROM revenue_split_commit(999, 2025, 8)" 2>&1 | sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p')"
check "0.2.0: the daily run is still skipped" "skipped" "$(q -c "SELECT status FROM revenue_split_run(20000, '2025-08-20')" 2>/dev/null)"
# A correction of the month committed on 0.2.0: the data did not change, but the key earned
# twice the pool; the correction takes the second payment back.
check "0.2.0: correcting August claws back the double payment" "corrected|10000000" \
    "$(q -c "SELECT status || '|' || debited_cents FROM revenue_split_correct(2025, 8)" 2>/dev/null)"
check "0.2.0: after the correction each creator has been paid August once" "0" \
    "$(q -c "SELECT count(*) FROM (SELECT a.creator_id, sum(e.paid_cents) AS paid, max(a.amount_cents) FILTER (WHERE a.run_id = 1) AS first
              FROM revenue_split.entries e JOIN revenue_split.runs r USING (run_id)
              JOIN revenue_split.allocations a ON a.run_id = 1 AND a.creator_id = e.creator_id
              WHERE r.kind = 'monthly' GROUP BY a.creator_id) x WHERE paid <> first")"
check "0.2.0: balances: the double payment is gone" "$((balances_before - 10000000))" "$(q -c "SELECT sum(current_balance) FROM public.users")"
check "0.2.0: a second identical correction is unchanged" "unchanged" "$(q -c "SELECT status FROM revenue_split_correct(2025, 8)" 2>/dev/null)"
check "0.2.0: a new month commits" "committed" "$(q -c "SELECT status FROM revenue_split_commit(500000, 2025, 7)" 2>/dev/null)"
q -c "DROP DATABASE IF EXISTS rs_upgrade_ref WITH (FORCE)" -d postgres
describe > /tmp/rs_upgraded_020.txt

# ---- both upgraded installs equal a fresh one ----
fresh_db rs_upgrade_fresh
describe > /tmp/rs_fresh.txt
for from in 010 020; do
    if diff -u /tmp/rs_fresh.txt "/tmp/rs_upgraded_$from.txt" > "/tmp/rs_upgrade_$from.diff"; then
        check "upgraded from ${from:0:1}.${from:1:1}.${from:2:1}: objects equal a fresh install ($(grep -c '^member' /tmp/rs_fresh.txt) members)" "same" "same"
    else
        cat "/tmp/rs_upgrade_$from.diff"
        check "upgraded from ${from:0:1}.${from:1:1}.${from:2:1}: objects equal a fresh install" "same" "different (diff above)"
    fi
done
finish

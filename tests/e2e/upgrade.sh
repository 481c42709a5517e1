#!/usr/bin/env bash
# Upgrade in place: install the frozen 0.1.0, configure it and commit a run, then
# ALTER EXTENSION revenue_split UPDATE. Checks (a) the run, its allocations, the ledger and the
# config are intact and the functions still work, and (b) the upgraded extension's objects
# equal a fresh install's (tests/upgrade/describe_extension.sql: definitions, columns,
# constraints, indexes, ACLs, comments, config-dump marks).
source "$(dirname "$0")/common.sh"
current=$(sed -n "s/^version = \"\(.*\)\"/\1/p" "$E2E_ROOT/Cargo.toml")
fresh_db rs_upgrade no-extension
q -c "CREATE EXTENSION revenue_split VERSION '0.1.0'"
q -c "INSERT INTO revenue_split.config (app_schema, weight_share) VALUES ('public', 9)"
q -c "SELECT * FROM revenue_split_commit(10000000, 2025, 8)" >/dev/null 2>&1
before=$(q -c "SELECT md5(string_agg(r::text, '|' ORDER BY run_id)) FROM revenue_split.runs r")
alloc_before=$(q -c "SELECT md5(string_agg(a::text, '|' ORDER BY run_id, creator_id)) FROM revenue_split.allocations a")
tx_before=$(q -c "SELECT count(*) || '/' || sum(amount_cents) FROM public.transactions")

q -c "ALTER EXTENSION revenue_split UPDATE"
check "updated to the current version" "$current" "$(q -c "SELECT extversion FROM pg_extension WHERE extname = 'revenue_split'")"
check "runs intact" "$before" "$(q -c "SELECT md5(string_agg(r::text, '|' ORDER BY run_id)) FROM revenue_split.runs r")"
check "allocations intact" "$alloc_before" "$(q -c "SELECT md5(string_agg(a::text, '|' ORDER BY run_id, creator_id)) FROM revenue_split.allocations a")"
check "ledger intact" "$tx_before" "$(q -c "SELECT count(*) || '/' || sum(amount_cents) FROM public.transactions")"
check "config intact" "9" "$(q -c "SELECT weight_share FROM revenue_split.config")"
check "the committed month is still skipped" "skipped" "$(q -c "SELECT status FROM revenue_split_commit(10000000, 2025, 8)" 2>/dev/null)"
check "a new month commits" "committed" "$(q -c "SELECT status FROM revenue_split_commit(500000, 2025, 7)" 2>/dev/null)"
check "the 0.2.0 view sees both runs" "2" "$(q -c "SELECT count(DISTINCT run_id) FROM revenue_split.creator_payouts")"

q -At -f "$E2E_ROOT/tests/upgrade/describe_extension.sql" > /tmp/rs_upgraded.txt
fresh_db rs_upgrade_fresh
q -At -f "$E2E_ROOT/tests/upgrade/describe_extension.sql" > /tmp/rs_fresh.txt
if diff -u /tmp/rs_fresh.txt /tmp/rs_upgraded.txt > /tmp/rs_upgrade.diff; then
    check "upgraded objects equal a fresh install ($(grep -c '^member' /tmp/rs_fresh.txt) members)" "same" "same"
else
    cat /tmp/rs_upgrade.diff
    check "upgraded objects equal a fresh install" "same" "different (diff above)"
fi
finish

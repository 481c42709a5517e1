#!/usr/bin/env bash
# Backup and restore: pg_dump a database with the extension (in `extensions`, as on
# Supabase), a config change and two committed runs; restore into a new database. The
# config and runs come back (pg_extension_config_dump), a repeated commit of the same month
# is skipped, and a new month commits with the next run id.
source "$(dirname "$0")/common.sh"
fresh_db rs_dump no-extension
q -c "CREATE SCHEMA extensions" -c "CREATE EXTENSION revenue_split WITH SCHEMA extensions"
q -c "INSERT INTO revenue_split.config (kyc_cap_cents) VALUES ('{4000,40000}')"
q -c "SELECT * FROM extensions.revenue_split_commit(10000000, 2025, 8)" >/dev/null 2>&1
q -c "SELECT * FROM extensions.revenue_split_run(50000, '2025-08-20')" >/dev/null 2>&1
runs=$(q -c "SELECT string_agg(run_id || ':' || kind || ':' || allocated_cents, ',' ORDER BY run_id) FROM revenue_split.runs")
allocs=$(q -c "SELECT md5(string_agg(a::text, '|' ORDER BY run_id, creator_id)) FROM revenue_split.allocations a")
balances=$(q -c "SELECT sum(coalesce(current_balance, 0)) FROM public.users")

pg_dump -Fc -d rs_dump -f /tmp/rs_dump.dump
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS rs_restored WITH (FORCE)" -c "CREATE DATABASE rs_restored"
pg_restore --exit-on-error -d rs_restored /tmp/rs_dump.dump
DB=rs_restored
check "extension restored in schema extensions" "extensions" \
    "$(q -c "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'revenue_split'")"
check "config restored" "{4000,40000}" "$(q -c "SELECT kyc_cap_cents FROM revenue_split.config")"
check "runs restored" "$runs" "$(q -c "SELECT string_agg(run_id || ':' || kind || ':' || allocated_cents, ',' ORDER BY run_id) FROM revenue_split.runs")"
check "allocations restored" "$allocs" "$(q -c "SELECT md5(string_agg(a::text, '|' ORDER BY run_id, creator_id)) FROM revenue_split.allocations a")"
check "privileges restored (nothing for PUBLIC)" "0" \
    "$(q -c "SELECT count(*) FROM extensions.revenue_split_doctor() WHERE \"check\" = 'privileges' AND status <> 'ok'")"
check "the committed month is skipped after restore" "skipped" "$(q -c "SELECT status FROM extensions.revenue_split_commit(10000000, 2025, 8)" 2>/dev/null)"
check "the committed day is skipped after restore" "skipped" "$(q -c "SELECT status FROM extensions.revenue_split_run(50000, '2025-08-20')" 2>/dev/null)"
check "a new month commits with the next run id" "3 committed" \
    "$(q -c "SELECT run_id || ' ' || status FROM extensions.revenue_split_commit(500000, 2025, 7)" 2>/dev/null)"
check "balances moved by the new run only" \
    "$(q -c "SELECT $balances + allocated_cents FROM revenue_split.runs WHERE run_id = 3")" \
    "$(q -c "SELECT sum(coalesce(current_balance, 0)) FROM public.users")"
finish

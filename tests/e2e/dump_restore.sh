#!/usr/bin/env bash
# Backup and restore: pg_dump a database with the extension (in `extensions`, as on
# Supabase), a config change, two committed runs, a correction that holds money and claws
# some back, and an adopted day; restore into a new database. The config, runs, allocations,
# the owed ledger (entries, accounts), the statements and the adopted rows come back (pg_extension_config_dump), a repeated
# commit of the same month is skipped, and a new month commits with the next run id.
source "$(dirname "$0")/common.sh"
fresh_db rs_dump no-extension
q -c "CREATE SCHEMA extensions" -c "CREATE EXTENSION revenue_split WITH SCHEMA extensions"
q -c "INSERT INTO revenue_split.config (kyc_cap_cents) VALUES ('{4000,40000}')"
q -c "SELECT * FROM extensions.revenue_split_commit(10000000, 2025, 8)" >/dev/null 2>&1
q -c "SELECT * FROM extensions.revenue_split_run(50000, '2025-08-20')" >/dev/null 2>&1
# A correction after a creator is found to be a bot (a clawback), under a hold policy so that
# money stays owed too.
q -c "UPDATE public.users SET likely_bot = true WHERE id = (SELECT creator_id FROM revenue_split.allocations WHERE run_id = 1 ORDER BY amount_cents DESC LIMIT 1)" \
  -c "UPDATE public.users SET kyc_level = 1 WHERE id = (SELECT creator_id FROM revenue_split.allocations WHERE run_id = 1 ORDER BY amount_cents DESC LIMIT 1 OFFSET 1)" \
  -c "SELECT * FROM extensions.revenue_split_correct(2025, 8)" >/dev/null 2>&1
# A day another system paid, adopted (its row is recorded in revenue_split.adopted_rows).
q -c "INSERT INTO public.transactions (created_at, recipient, amount_cents, payment_type, status, direction)
      SELECT '2025-06-02 02:00:00+00', min(id), 500, 'revenue_split', 'pending', 'inflow' FROM public.users" \
  -c "SELECT * FROM extensions.revenue_split_adopt_day('2025-06-01', 500, '2025-06-02 00:00+00', '2025-06-03 00:00+00')" >/dev/null 2>&1
adopted=$(q -c "SELECT count(*) || ':' || string_agg(transaction_id || '/' || run_id, ',') FROM revenue_split.adopted_rows")
ledger=$(q -c "SELECT md5(string_agg(e::text, '|' ORDER BY run_id, creator_id)) FROM revenue_split.entries e")
accounts=$(q -c "SELECT md5(string_agg(a::text, '|' ORDER BY creator_id)) FROM revenue_split.accounts a")
balances=$(q -c "SELECT sum(coalesce(current_balance, 0)) FROM public.users")
statements=$(q -c "SELECT count(*) || ':' || md5(string_agg(l::text, '|' ORDER BY run_id, creator_id, video_id)) FROM revenue_split.statement_lines l")
runs=$(q -c "SELECT string_agg(run_id || ':' || kind || ':' || allocated_cents, ',' ORDER BY run_id) FROM revenue_split.runs")
allocs=$(q -c "SELECT md5(string_agg(a::text, '|' ORDER BY run_id, creator_id)) FROM revenue_split.allocations a")

pg_dump -Fc -d rs_dump -f /tmp/rs_dump.dump
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS rs_restored WITH (FORCE)" -c "CREATE DATABASE rs_restored"
pg_restore --exit-on-error -d rs_restored /tmp/rs_dump.dump
DB=rs_restored
check "extension restored in schema extensions" "extensions" \
    "$(q -c "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'revenue_split'")"
check "config restored" "{4000,40000}" "$(q -c "SELECT kyc_cap_cents FROM revenue_split.config")"
check "runs restored" "$runs" "$(q -c "SELECT string_agg(run_id || ':' || kind || ':' || allocated_cents, ',' ORDER BY run_id) FROM revenue_split.runs")"
check "allocations restored" "$allocs" "$(q -c "SELECT md5(string_agg(a::text, '|' ORDER BY run_id, creator_id)) FROM revenue_split.allocations a")"
check "the correction and the adoption ran before the dump" "4" "$(q -d rs_dump -c "SELECT count(*) FROM revenue_split.runs")"
check "one adopted row before the dump" "1" "${adopted%%:*}"
check "adopted rows restored" "$adopted" \
    "$(q -c "SELECT count(*) || ':' || string_agg(transaction_id || '/' || run_id, ',') FROM revenue_split.adopted_rows")"
check "owed-ledger entries restored" "$ledger" "$(q -c "SELECT md5(string_agg(e::text, '|' ORDER BY run_id, creator_id)) FROM revenue_split.entries e")"
check "accounts restored" "$accounts" "$(q -c "SELECT md5(string_agg(a::text, '|' ORDER BY creator_id)) FROM revenue_split.accounts a")"
check "statement lines restored" "$statements" \
    "$(q -c "SELECT count(*) || ':' || md5(string_agg(l::text, '|' ORDER BY run_id, creator_id, video_id)) FROM revenue_split.statement_lines l")"
check "a correction after restore finds nothing to change" "unchanged" \
    "$(q -c "SELECT status FROM extensions.revenue_split_correct(2025, 8)" 2>/dev/null)"
check "privileges restored (nothing for PUBLIC)" "0" \
    "$(q -c "SELECT count(*) FROM extensions.revenue_split_doctor() WHERE \"check\" = 'privileges' AND status <> 'ok'")"
check "the committed month is skipped after restore" "skipped" "$(q -c "SELECT status FROM extensions.revenue_split_commit(10000000, 2025, 8)" 2>/dev/null)"
check "the committed day is skipped after restore" "skipped" "$(q -c "SELECT status FROM extensions.revenue_split_run(50000, '2025-08-20')" 2>/dev/null)"
check "a new month commits with the next run id" "5 committed" \
    "$(q -c "SELECT run_id || ' ' || status FROM extensions.revenue_split_commit(500000, 2025, 7)" 2>/dev/null)"
check "balances moved by the new run only" \
    "$(q -c "SELECT $balances + allocated_cents FROM revenue_split.runs WHERE run_id = 5")" \
    "$(q -c "SELECT sum(coalesce(current_balance, 0)) FROM public.users")"
finish

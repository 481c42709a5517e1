#!/usr/bin/env bash
# The README's migration snippet (examples/migration.sql) applied twice with psql by a superuser,
# as a migration tool would, then DROP EXTENSION: the application's tables are untouched.
# (tests/e2e/nonsuperuser.sh applies it as a NOSUPERUSER operator.)
source "$(dirname "$0")/common.sh"
fresh_db rs_migration no-extension
fingerprint() {
    q -c "SELECT md5(string_agg(t, '|')) FROM (
            SELECT (SELECT md5(string_agg(u::text, ',' ORDER BY id)) FROM public.users u) AS t
            UNION ALL SELECT (SELECT md5(string_agg(v::text, ',' ORDER BY id)) FROM public.videos v)
            UNION ALL SELECT (SELECT md5(string_agg(e::text, ',' ORDER BY id)) FROM public.event e)
            UNION ALL SELECT (SELECT count(*)::text FROM public.transactions)) s"
}
apps_before=$(fingerprint)
for i in 1 2; do
    if q -f "$E2E_ROOT/examples/migration.sql" >/dev/null 2>/tmp/rs_migration.err; then
        check "migration applied (run $i)" "ok" "ok"
    else
        check "migration applied (run $i)" "ok" "$(head -1 /tmp/rs_migration.err)"
    fi
done
check "extension in schema extensions" "extensions" \
    "$(q -c "SELECT extnamespace::regnamespace FROM pg_extension WHERE extname = 'revenue_split'")"
check "configured app_schema" "public" "$(q -c "SELECT app_schema FROM revenue_split.config")"
check "role granted" "t" "$(q -c "SELECT pg_has_role('payout_runner', 'revenue_split_admin', 'MEMBER')")"
check "no warning when a superuser applies it" "" "$(grep -m1 WARNING /tmp/rs_migration.err || true)"
check "payout_runner may reach the functions, read transactions and write the ledger" "t" \
    "$(q -c "SELECT has_schema_privilege('payout_runner', 'extensions', 'USAGE')
                 AND has_function_privilege('payout_runner', 'extensions.revenue_split_commit(bigint,integer,integer)', 'EXECUTE')
                 AND has_table_privilege('payout_runner', 'public.transactions', 'SELECT')
                 AND has_table_privilege('payout_runner', 'public.transactions', 'INSERT')
                 AND has_column_privilege('payout_runner', 'public.users', 'current_balance', 'UPDATE')")"
check "the migration leaves the app tables as they were" "$apps_before" "$(fingerprint)"
q -c "SELECT * FROM extensions.revenue_split_commit(10000000, 2025, 8)" >/dev/null 2>&1
apps_after_commit=$(fingerprint)
q -c "DROP EXTENSION revenue_split"
check "DROP EXTENSION leaves the application tables untouched" "$apps_after_commit" "$(fingerprint)"
check "DROP EXTENSION removes its own schema" "0" "$(q -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'revenue_split'")"
check "the extensions schema itself stays" "1" "$(q -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'extensions'")"
finish

#!/usr/bin/env bash
# Every ```sql block of README.md, in order, in one session, against the demo data set in a
# fresh database. Blocks that use pg_cron run in the cluster's cron database (the only one
# where pg_cron can be created). A README example that does not run fails this test.
source "$(dirname "$0")/common.sh"
ensure_cron_db
fresh_db rs_readme no-extension
app_sql=$(mktemp); cron_sql=$(mktemp)
awk -v app="$app_sql" -v cron="$cron_sql" '
    /^```sql$/ { on = 1; block = ""; next }
    /^```$/ && on { on = 0; print block > (block ~ /cron\./ ? cron : app); next }
    on { block = block $0 "\n" }' "$E2E_ROOT/README.md"
blocks=$(grep -c '^```sql$' "$E2E_ROOT/README.md")
if q -f "$app_sql" > /tmp/rs_readme.out 2>&1 && qc -f "$cron_sql" >> /tmp/rs_readme.out 2>&1; then
    check "all $blocks README SQL blocks ran" "ok" "ok"
else
    check "all $blocks README SQL blocks ran" "ok" "error: $(grep -m1 ERROR /tmp/rs_readme.out)"
fi
check "the README's commit committed and its repeat skipped" "committed,skipped" \
    "$(q -c "SET search_path = public, extensions" -c "SELECT string_agg(s, ',') FROM (SELECT 'committed' s FROM revenue_split.runs WHERE kind = 'monthly' AND period_start = '2025-08-01' AND status = 'committed' UNION ALL SELECT status FROM revenue_split_commit(10000000, 2025, 8)) x")"
check "README left no cron job behind" "0" "$(qc -c "SELECT count(*) FROM cron.job WHERE jobname = 'revenue-split-monthly'")"
rm -f "$app_sql" "$cron_sql"
finish

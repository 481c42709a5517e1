#!/usr/bin/env bash
# Every ```sql block of README.md, in order, in one session, against the demo data set in a
# fresh database (the cluster's pg_cron database, so the pg_cron example runs for real).
# A README example that does not run fails this test.
source "$(dirname "$0")/common.sh"
fresh_db rs_cron no-extension
sqlfile=$(mktemp)
awk '/^```sql$/ {on=1; next} /^```$/ {on=0} on' "$E2E_ROOT/README.md" > "$sqlfile"
blocks=$(grep -c '^```sql$' "$E2E_ROOT/README.md")
if q -f "$sqlfile" > /tmp/rs_readme.out 2>&1; then
    check "all $blocks README SQL blocks ran" "ok" "ok"
else
    check "all $blocks README SQL blocks ran" "ok" "error: $(grep -m1 ERROR /tmp/rs_readme.out)"
fi
check "the README's commit committed and its repeat skipped" "committed,skipped" \
    "$(q -c "SET search_path = public, extensions" -c "SELECT string_agg(s, ',') FROM (SELECT 'committed' s FROM revenue_split.runs WHERE kind = 'monthly' AND period_start = '2025-08-01' UNION ALL SELECT status FROM revenue_split_commit(10000000, 2025, 8)) x")"
check "README left no cron job behind" "0" "$(q -c "SELECT count(*) FROM cron.job WHERE jobname = 'revenue-split-monthly'")"
rm -f "$sqlfile"
finish

#!/usr/bin/env bash
# pg_cron for real (Debian's postgresql-15-cron 1.4, background-worker mode): schedule the
# monthly commit of a past month every minute, wait for two firings, and check from
# cron.job_run_details and the ledger that the first committed and the second skipped.
# Takes ~1-2 minutes (pg_cron 1.4 has minute schedules only).
source "$(dirname "$0")/common.sh"
ensure_cron_db
fresh_db rs_e2e_cron
q -c "CREATE TABLE public.cron_outcomes (at timestamptz DEFAULT clock_timestamp(), run_id bigint, status text)"
qc -c "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = 'rs-test-monthly'" >/dev/null
job=$(qc -c "SELECT cron.schedule_in_database('rs-test-monthly', '* * * * *',
    \$\$INSERT INTO public.cron_outcomes (run_id, status) SELECT run_id, status FROM public.revenue_split_commit(10000000, 2025, 8)\$\$,
    'rs_e2e_cron')")
echo "# scheduled job $job; waiting for two firings (up to 190 s)"
done_runs() { qc -c "SELECT count(*) FROM cron.job_run_details WHERE jobid = $job AND status IN ('succeeded', 'failed')"; }
for _ in $(seq 1 190); do
    [ "$(done_runs)" -ge 2 ] && break
    sleep 1
done
qc -c "SELECT cron.unschedule($job)" >/dev/null
check "two firings finished" "2" "$(qc -c "SELECT least(count(*), 2) FROM cron.job_run_details WHERE jobid = $job AND status IN ('succeeded', 'failed')")"
check "both succeeded" "0" "$(qc -c "SELECT count(*) FROM cron.job_run_details WHERE jobid = $job AND status = 'failed'")"
check "outcomes in order: committed then skipped" "committed,skipped" \
    "$(q -c "SELECT string_agg(status, ',' ORDER BY at) FROM (SELECT * FROM public.cron_outcomes ORDER BY at LIMIT 2) s")"
check "the skipped firing names the committed run" "1" "$(q -c "SELECT count(DISTINCT run_id) FROM public.cron_outcomes")"
check "exactly one run" "1" "$(q -c "SELECT count(*) FROM revenue_split.runs")"
check "one ledger row per paid creator" \
    "$(q -c "SELECT count(*) FROM revenue_split.allocations WHERE amount_cents > 0")" \
    "$(q -c "SELECT count(*) FROM public.transactions WHERE payment_type = 'revenue_split_monthly'")"
check "job unscheduled" "0" "$(qc -c "SELECT count(*) FROM cron.job WHERE jobid = $job")"
finish

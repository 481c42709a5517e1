#!/usr/bin/env bash
# A non-superuser operator, in a database shaped like a self-hosted Supabase (issue 12 §5,
# README "Supabase (self-hosted)"):
#   supabase_admin  SUPERUSER: creates the extension in schema `extensions` (as supautils does
#                   for a privileged extension) and owns that schema;
#   postgres_like   NOSUPERUSER CREATEROLE BYPASSRLS LOGIN, like Supabase's `postgres`: owns the
#                   application tables (demo/sample_data.sql run as that role);
#   anon, authenticated, service_role, and Supabase's default privileges (ALL on functions,
#                   tables and sequences that supabase_admin or postgres create in public, ALL
#                   WITH GRANT OPTION to postgres in extensions).
# As postgres_like: examples/migration.sql first fails with a clear hint, then (after the one
# superuser step `GRANT revenue_split_admin TO postgres_like WITH ADMIN OPTION`) applies twice;
# a preview, a commit (ledger rows and balances), and a pg_cron job scheduled by postgres_like
# that commits a daily run. anon and authenticated get 42501 from every function.
# Takes up to ~2.5 minutes (pg_cron 1.4 has minute schedules only).
source "$(dirname "$0")/common.sh"
ensure_cron_db
DB=rs_nonsuper
qs() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$DB" -U supabase_admin "$@"; }  # the superuser
qp() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$DB" -U postgres_like "$@"; }   # the operator
# sqlstate_as ROLE SQL: the SQLSTATE that SQL raises when run as ROLE ('ok' if none).
sqlstate_as() {
    local out
    if out=$(psql -X -q -At -d "$DB" -v ON_ERROR_STOP=1 -v VERBOSITY=verbose \
                  -c "SET ROLE $1" -c "$2" 2>&1 >/dev/null); then echo ok
    else sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p' <<<"$out" | head -1; fi
}

# ==== roles (cluster-wide, so idempotent) and a fresh database ====
psql -X -q -v ON_ERROR_STOP=1 -d postgres <<'SQL'
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'supabase_admin') THEN
        CREATE ROLE supabase_admin SUPERUSER CREATEDB CREATEROLE REPLICATION BYPASSRLS LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'postgres_like') THEN
        CREATE ROLE postgres_like NOSUPERUSER CREATEDB CREATEROLE BYPASSRLS LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN NOINHERIT; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN NOINHERIT; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'service_role') THEN CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS; END IF;
    -- a previous run's superuser step (memberships are cluster-wide)
    IF pg_has_role('postgres_like', 'revenue_split_admin', 'MEMBER') THEN REVOKE revenue_split_admin FROM postgres_like CASCADE; END IF;
END
$$;
SQL
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB OWNER supabase_admin"

# ==== Supabase's shape, set up by supabase_admin ====
qs <<'SQL'
GRANT ALL ON DATABASE rs_nonsuper TO postgres_like;
GRANT ALL ON SCHEMA public TO postgres_like;
GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
CREATE SCHEMA extensions;
GRANT USAGE ON SCHEMA extensions TO postgres_like, anon, authenticated, service_role;
GRANT ALL ON SCHEMA extensions TO postgres_like;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public GRANT ALL ON FUNCTIONS TO postgres_like, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public GRANT ALL ON TABLES TO postgres_like, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public GRANT ALL ON SEQUENCES TO postgres_like, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA extensions GRANT ALL ON FUNCTIONS TO postgres_like WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA extensions GRANT ALL ON TABLES TO postgres_like WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA extensions GRANT ALL ON SEQUENCES TO postgres_like WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres_like IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres_like IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres_like IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
SQL
# The application's tables, owned by the operator (RLS on, as Supabase advises for exposed tables).
qp -f "$E2E_ROOT/demo/sample_data.sql" >/dev/null
qp -c "ALTER TABLE public.event ENABLE ROW LEVEL SECURITY" -c "ALTER TABLE public.users ENABLE ROW LEVEL SECURITY"
check "the application tables belong to postgres_like" "postgres_like" \
    "$(qs -c "SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('users', 'videos', 'event', 'transactions')")"

# ==== the extension, created by the superuser (supautils does the same for postgres) ====
check "postgres_like may not create the extension itself" "42501" \
    "$(psql -X -q -At -d "$DB" -U postgres_like -v VERBOSITY=verbose -c "CREATE EXTENSION revenue_split WITH SCHEMA extensions" 2>&1 \
       | sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p' | head -1)"
qs -c "CREATE EXTENSION revenue_split WITH SCHEMA extensions"
check "extension in schema extensions, owned by supabase_admin" "extensions supabase_admin" \
    "$(qs -c "SELECT extnamespace::regnamespace || ' ' || extowner::regrole FROM pg_extension WHERE extname = 'revenue_split'")"
check "the default privileges left nobody but the owner and revenue_split_admin a privilege on its functions" "" \
    "$(qs -c "SELECT string_agg(DISTINCT a.grantee::regrole::text, ',') FROM pg_proc p, aclexplode(p.proacl) a
              WHERE p.pronamespace = 'extensions'::regnamespace AND p.proname LIKE 'revenue\_split\_%'
                AND a.grantee NOT IN ('supabase_admin'::regrole, 'revenue_split_admin'::regrole)")"

# ==== the migration, as the operator ====
if qp -f "$E2E_ROOT/examples/migration.sql" >/dev/null 2>/tmp/rs_nonsuper.err; then
    check "without revenue_split_admin the migration refuses" "refused" "applied"
else
    check "without revenue_split_admin the migration refuses, naming the superuser step" \
        "HINT:  As a superuser (on Supabase: supabase_admin), run once: GRANT revenue_split_admin TO postgres_like WITH ADMIN OPTION;" \
        "$(grep -m1 '^HINT' /tmp/rs_nonsuper.err)"
fi
check "the refused migration wrote no configuration" "0" "$(qs -c "SELECT count(*) FROM revenue_split.config")"
qs -c "GRANT revenue_split_admin TO postgres_like WITH ADMIN OPTION"   # the one superuser step
for i in 1 2; do
    if qp -f "$E2E_ROOT/examples/migration.sql" >/dev/null 2>/tmp/rs_nonsuper.err; then
        check "migration applied by postgres_like (run $i)" "ok" "ok"
    else
        check "migration applied by postgres_like (run $i)" "ok" "$(grep -m1 ERROR /tmp/rs_nonsuper.err)"
    fi
done
check "the migration warns that payout_runner needs USAGE on schema extensions from a superuser" \
    "HINT:  As a superuser (on Supabase: supabase_admin), run once: GRANT USAGE ON SCHEMA extensions TO payout_runner;" \
    "$(grep -m1 -A1 'WARNING:  payout_runner cannot reach the functions in schema extensions' /tmp/rs_nonsuper.err | grep '^HINT')"
check "configured app_schema" "public" "$(qp -c "SELECT app_schema FROM revenue_split.config")"
check "payout_runner was granted revenue_split_admin" "t" "$(qs -c "SELECT pg_has_role('payout_runner', 'revenue_split_admin', 'MEMBER')")"
check "payout_runner may read transactions and bump balances" "t" \
    "$(qs -c "SELECT has_table_privilege('payout_runner', 'public.transactions', 'SELECT,INSERT')
                 AND has_table_privilege('payout_runner', 'public.transactions', 'INSERT')
                 AND has_column_privilege('payout_runner', 'public.users', 'current_balance', 'UPDATE')")"

# ==== preview and commit, as the operator ====
preview=$(qp -c "SELECT count(*) || '/' || sum(amount_cents) FROM extensions.revenue_split_preview(10000000, 2025, 8)")
check "postgres_like previews August (creators/cents)" "$(qs -c "SELECT count(*) || '/' || sum(amount_cents) FROM extensions.revenue_split_preview(10000000, 2025, 8)")" "$preview"
balances_before=$(qs -c "SELECT sum(coalesce(current_balance, 0)) FROM public.users")
commit=$(PGOPTIONS="-c client_min_messages=warning" qp -c "SELECT status || ' ' || allocated_cents FROM extensions.revenue_split_commit(10000000, 2025, 8)")
check "postgres_like commits August" "committed ${preview#*/}" "$commit"
check "one ledger row per paid creator" \
    "$(qs -c "SELECT count(*) FROM revenue_split.allocations WHERE amount_cents > 0")" \
    "$(qs -c "SELECT count(*) FROM public.transactions WHERE payment_type = 'revenue_split_monthly' AND status = 'pending' AND direction = 'inflow'")"
check "the ledger rows equal the allocations" "" \
    "$(qs -c "SELECT string_agg(a.creator_id::text, ',') FROM revenue_split.allocations a
              LEFT JOIN public.transactions t ON t.id = a.transaction_id
              WHERE a.amount_cents > 0 AND (t.recipient IS DISTINCT FROM a.creator_id OR t.amount_cents <> a.amount_cents)")"
check "the balances grew by the allocated amount" "$((balances_before + ${preview#*/}))" \
    "$(qs -c "SELECT sum(coalesce(current_balance, 0)) FROM public.users")"
check "the run records postgres_like as its committer" "postgres_like" "$(qs -c "SELECT committed_by FROM revenue_split.runs")"

# ==== anon and authenticated: every function refused ====
for role in anon authenticated; do
    check "$role: revenue_split_units refused" "42501" "$(sqlstate_as $role "SELECT * FROM extensions.revenue_split_units('2025-08-20')")"
    check "$role: revenue_split_preview refused" "42501" "$(sqlstate_as $role "SELECT * FROM extensions.revenue_split_preview(100, 2025, 8)")"
    check "$role: revenue_split_commit refused" "42501" "$(sqlstate_as $role "SELECT * FROM extensions.revenue_split_commit(100, 2025, 7)")"
    check "$role: revenue_split_run refused" "42501" "$(sqlstate_as $role "SELECT * FROM extensions.revenue_split_run(100, '2025-08-20')")"
    check "$role: revenue_split.config refused" "42501" "$(sqlstate_as $role "SELECT * FROM revenue_split.config")"
done
check "anon and authenticated may execute none of the extension's functions" "0" \
    "$(qs -c "SELECT count(*) FROM pg_proc p, unnest('{anon,authenticated}'::name[]) r
              WHERE p.pronamespace = 'extensions'::regnamespace AND p.proname LIKE 'revenue\_split\_%'
                AND has_function_privilege(r, p.oid, 'EXECUTE')")"

# ==== pg_cron: a daily run scheduled by postgres_like ====
psql -X -q -v ON_ERROR_STOP=1 -At -d "$CRON_DB" >/dev/null <<'SQL'
GRANT USAGE ON SCHEMA cron TO postgres_like;
GRANT EXECUTE ON FUNCTION cron.schedule_in_database(text, text, text, text, text, boolean) TO postgres_like;
SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname = 'rs-nonsuper-daily';
SQL
qp -c "CREATE TABLE public.cron_outcomes (at timestamptz DEFAULT clock_timestamp(), run_id bigint, status text)"
job=$(psql -X -q -v ON_ERROR_STOP=1 -At -d "$CRON_DB" -U postgres_like -c "SELECT cron.schedule_in_database('rs-nonsuper-daily', '* * * * *',
    \$\$INSERT INTO public.cron_outcomes (run_id, status) SELECT run_id, status FROM extensions.revenue_split_run(500000, '2025-08-21')\$\$,
    '$DB')")
echo "# scheduled job $job as postgres_like; waiting for its first firing (up to 150 s)"
finished() { qc -c "SELECT count(*) FROM cron.job_run_details WHERE jobid = $job AND status IN ('succeeded', 'failed')"; }
for _ in $(seq 1 150); do
    [ "$(finished)" -ge 1 ] && break
    sleep 1
done
psql -X -q -At -d "$CRON_DB" -U postgres_like -c "SELECT cron.unschedule($job)" >/dev/null
check "the job ran as postgres_like and succeeded" "postgres_like succeeded" \
    "$(qc -c "SELECT username || ' ' || status FROM cron.job_run_details WHERE jobid = $job AND status IN ('succeeded', 'failed') ORDER BY runid LIMIT 1")"
check "its first firing committed the daily run" "committed" "$(qp -c "SELECT status FROM public.cron_outcomes ORDER BY at LIMIT 1")"
check "the daily run is in the ledger" \
    "$(qs -c "SELECT count(*) FROM revenue_split.allocations a JOIN revenue_split.runs r USING (run_id) WHERE r.kind = 'daily' AND a.amount_cents > 0")" \
    "$(qs -c "SELECT count(*) FROM public.transactions WHERE payment_type = 'revenue_split'")"
check "the daily run was committed by postgres_like" "daily 2025-08-21 postgres_like" \
    "$(qs -c "SELECT kind || ' ' || period_start || ' ' || committed_by FROM revenue_split.runs WHERE kind = 'daily'")"
check "job unscheduled" "0" "$(qc -c "SELECT count(*) FROM cron.job WHERE jobid = $job")"
finish

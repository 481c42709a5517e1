-- A migration that installs and configures revenue_split. Safe to run repeatedly (Supabase CLI,
-- sqitch, dbmate and Flyway just run SQL). Tested by tests/e2e/migration.sh.
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE EXTENSION IF NOT EXISTS revenue_split WITH SCHEMA extensions;

-- Configuration: only what differs from the SPEC defaults.
INSERT INTO revenue_split.config (app_schema)
VALUES ('public')
ON CONFLICT (singleton) DO UPDATE SET app_schema = EXCLUDED.app_schema, updated_at = now();

-- Who may preview and pay. On Supabase: GRANT revenue_split_admin TO service_role;
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'payout_runner') THEN
        CREATE ROLE payout_runner NOLOGIN;
    END IF;
END
$$;
GRANT revenue_split_admin TO payout_runner;
GRANT USAGE ON SCHEMA extensions TO payout_runner;
GRANT SELECT ON public.users, public.videos, public.event TO payout_runner;
GRANT UPDATE (current_balance) ON public.users TO payout_runner;
GRANT INSERT ON public.transactions TO payout_runner;

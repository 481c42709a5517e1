-- A migration that installs and configures revenue_split. Safe to run repeatedly (Supabase CLI,
-- sqitch, dbmate and Flyway just run SQL). Tested by tests/e2e/migration.sh (as a superuser) and
-- tests/e2e/nonsuperuser.sh (as a NOSUPERUSER operator shaped like Supabase's `postgres`).
--
-- Run by a role that is not a superuser, it needs two things done once by a superuser (on
-- Supabase: supabase_admin; see README "Supabase (self-hosted)"):
--   CREATE EXTENSION IF NOT EXISTS revenue_split WITH SCHEMA extensions;
--       (or list revenue_split in supautils.privileged_extensions)
--   GRANT revenue_split_admin TO postgres WITH ADMIN OPTION;
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE EXTENSION IF NOT EXISTS revenue_split WITH SCHEMA extensions;

-- Configuring revenue_split and handing out revenue_split_admin take revenue_split_admin with
-- ADMIN OPTION (superusers have it). Say so plainly instead of "permission denied for table config".
DO $$
BEGIN
    IF NOT pg_catalog.pg_has_role('revenue_split_admin', 'USAGE WITH ADMIN OPTION') THEN
        RAISE EXCEPTION 'role "%" may not configure revenue_split or grant revenue_split_admin', current_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = pg_catalog.format('As a superuser (on Supabase: supabase_admin), run once: GRANT revenue_split_admin TO %I WITH ADMIN OPTION;',
                                           current_user);
    END IF;
END
$$;

-- Configuration: only what differs from the SPEC defaults.
INSERT INTO revenue_split.config (app_schema)
VALUES ('public')
ON CONFLICT (singleton) DO UPDATE SET app_schema = EXCLUDED.app_schema, updated_at = now();

-- Who may preview and pay: a NOLOGIN group role; grant it to the login roles (or the pg_cron
-- job owner) that pay. On Supabase, `postgres` already can; `GRANT revenue_split_admin TO
-- service_role;` plus the table grants below would let service_role pay too.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'payout_runner') THEN
        CREATE ROLE payout_runner NOLOGIN;
    END IF;
END
$$;
GRANT revenue_split_admin TO payout_runner;
-- The functions are SECURITY INVOKER: the payer's own privileges on the application tables.
GRANT SELECT ON public.users, public.videos, public.event, public.transactions TO payout_runner;
GRANT UPDATE (current_balance) ON public.users TO payout_runner;
GRANT INSERT ON public.transactions TO payout_runner;
DO $$
DECLARE
    seq text := pg_catalog.pg_get_serial_sequence('public.transactions', 'id');
BEGIN
    IF seq IS NOT NULL THEN   -- a serial or identity id draws from this sequence
        EXECUTE pg_catalog.format('GRANT USAGE ON SEQUENCE %s TO payout_runner', seq);
    END IF;
END
$$;
-- The functions live in schema extensions. On Supabase `postgres` holds USAGE on it without
-- grant option, so a superuser has to pass it on.
DO $$
BEGIN
    IF pg_catalog.has_schema_privilege('extensions', 'USAGE WITH GRANT OPTION') THEN
        GRANT USAGE ON SCHEMA extensions TO payout_runner;
    ELSIF NOT pg_catalog.has_schema_privilege('payout_runner', 'extensions', 'USAGE') THEN
        RAISE WARNING 'payout_runner cannot reach the functions in schema extensions'
            USING HINT = 'As a superuser (on Supabase: supabase_admin), run once: GRANT USAGE ON SCHEMA extensions TO payout_runner;';
    END IF;
END
$$;

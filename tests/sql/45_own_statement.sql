-- Scenario group: a creator's own statement, exposed to the application as README "Statements
-- and exports" shows it (issue 14, Privileges): statements are readable by revenue_split_admin
-- only; a SECURITY DEFINER function owned by a role that holds revenue_split_admin returns the
-- statement rows of the signed-in user's creator, taken from the request's JWT claim (as
-- PostgREST / Supabase set it) through a mapping table, and nothing else; and the README's
-- other way, a table with row-level security filled after each run.
--
-- The SQL between "README: begin" and "README: end" below is the README's example verbatim
-- (keep them in step). The README installs revenue_split in schema `extensions`, as on
-- Supabase; the test database has it in `public` (scripts/test-sql), so it is re-created in
-- `extensions` inside this transaction, and the ROLLBACK brings the original back.
--
-- Data: every video-day is "simple" (views only, each with its own device and IP, created_at
-- NULL), so a video's units are 1.01 * its views.
--   users 1 A, 2 B (KYC 3), videos 11, 12 -> A, 21 -> B
--   2025-04-10: 11: 30 views, 12: 10, 21: 40 -> daily run, pool 1,000: A 500 (11: 375, 12: 125), B 500
--   signed-in users: ...a1 -> creator 1, ...b2 -> creator 2, ...c3 has no creator
BEGIN;
SELECT plan(22);
SET LOCAL client_min_messages = warning;

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN NOINHERIT; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN NOINHERIT; END IF;
END
$$;
DROP EXTENSION revenue_split;
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE EXTENSION revenue_split WITH SCHEMA extensions;
GRANT USAGE ON SCHEMA extensions TO anon, authenticated;   -- as on Supabase: the schema is open, its functions are not
SET LOCAL search_path = public, extensions;

\ir ../common/app_tables.sql
INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, NULL, false), (2, 0, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES (11, 1, NULL), (12, 1, NULL), (21, 2, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT x.v, 'view', x.d::timestamp AT TIME ZONE 'UTC' + interval '10 hours' + g * interval '1 minute',
       'd' || x.v || '-' || g, 'i' || x.v || '-' || g
FROM (VALUES (11, date '2025-04-10', 30), (12, '2025-04-10', 10), (21, '2025-04-10', 40)) AS x(v, d, n),
     generate_series(1, x.n) g;
CREATE TEMP TABLE run AS SELECT run_id FROM revenue_split_run(1000, '2025-04-10');
GRANT SELECT ON run TO anon, authenticated;

SELECT ok(NOT pg_has_role('authenticated', 'revenue_split_admin', 'USAGE') AND NOT pg_has_role('anon', 'revenue_split_admin', 'USAGE'),
    'precondition: neither authenticated nor anon holds revenue_split_admin');
SELECT results_eq($$SELECT creator_id, video_id, amount_cents FROM revenue_split_statement((SELECT run_id FROM run)) ORDER BY 1, 2$$,
    $$VALUES (1::bigint, 11::bigint, 375::bigint), (1, 12, 125), (2, 21, 500)$$,
    'the run''s statement (as the admin): A 375 + 125, B 500');

-- ==== README: begin ====
CREATE ROLE statement_reader NOLOGIN;                   -- owns the function; nobody logs in as it
GRANT revenue_split_admin TO statement_reader;
GRANT USAGE ON SCHEMA extensions TO statement_reader;   -- where revenue_split's functions are

CREATE TABLE public.creator_logins (                    -- which signed-in user is which creator
    auth_user_id uuid PRIMARY KEY,
    creator_id   bigint NOT NULL UNIQUE
);
GRANT SELECT ON public.creator_logins TO statement_reader;

CREATE FUNCTION public.my_statement(p_run_id bigint)
RETURNS TABLE (run_id bigint, video_id bigint, views bigint, likes bigint, comments bigint,
               shares bigint, units double precision, amount_cents bigint)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.run_id, s.video_id, s.views, s.likes, s.comments, s.shares, s.units, s.amount_cents
    FROM public.creator_logins l
    CROSS JOIN LATERAL extensions.revenue_split_statement(p_run_id, l.creator_id) s
    WHERE l.auth_user_id = coalesce(
              nullif(current_setting('request.jwt.claim.sub', true), ''),
              nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')::uuid
    ORDER BY s.video_id
$$;
ALTER FUNCTION public.my_statement(bigint) OWNER TO statement_reader;
REVOKE ALL ON FUNCTION public.my_statement(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.my_statement(bigint) TO authenticated;
-- ==== README: end ====

INSERT INTO public.creator_logins VALUES
    ('00000000-0000-0000-0000-0000000000a1', 1), ('00000000-0000-0000-0000-0000000000b2', 2);

SELECT ok((SELECT prosecdef AND proowner = 'statement_reader'::regrole FROM pg_proc WHERE oid = 'public.my_statement(bigint)'::regprocedure)
          AND NOT (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = 'statement_reader'),
    'my_statement is SECURITY DEFINER, owned by statement_reader, which is neither superuser nor BYPASSRLS');

-- ==== as authenticated, signed in as creator 1 (PostgREST's JSON claims) ====
SET LOCAL ROLE authenticated;
SET LOCAL "request.jwt.claims" = '{"sub": "00000000-0000-0000-0000-0000000000a1", "role": "authenticated"}';
SELECT results_eq($$SELECT run_id = (SELECT run_id FROM run), video_id, views, round(units::numeric, 9), amount_cents FROM my_statement((SELECT run_id FROM run))$$,
    $$VALUES (true, 11::bigint, 30::bigint, 30.3::numeric, 375::bigint), (true, 12, 10, 10.1, 125)$$,
    'authenticated as creator 1: my_statement gives creator 1''s rows, and only them (375 + 125)');
SELECT is((SELECT sum(amount_cents) FROM my_statement((SELECT run_id FROM run))), 500::numeric,
    'authenticated as creator 1: the rows add up to what creator 1 earned');
SELECT is_empty($$SELECT * FROM my_statement((SELECT run_id FROM run)) WHERE video_id = 21$$,
    'authenticated as creator 1: nothing of creator 2''s video');
SELECT throws_ok($$SELECT * FROM extensions.revenue_split_statement((SELECT run_id FROM run), 2)$$, '42501', NULL,
    'authenticated cannot call revenue_split_statement directly (42501), for another creator');
SELECT throws_ok($$SELECT * FROM extensions.revenue_split_statement((SELECT run_id FROM run), 1)$$, '42501', NULL,
    'authenticated cannot call revenue_split_statement directly (42501), even for its own creator');
SELECT throws_ok($$SELECT * FROM revenue_split.statement_lines$$, '42501', NULL,
    'authenticated cannot read revenue_split.statement_lines (42501)');
SELECT throws_ok($$SELECT * FROM revenue_split.allocations$$, '42501', NULL,
    'authenticated cannot read revenue_split.allocations (42501)');
SELECT throws_ok($$SELECT * FROM public.creator_logins$$, '42501', NULL,
    'authenticated cannot read the mapping table (42501)');
-- a claim of another user cannot be smuggled through the function: it has no creator argument,
-- and an unknown run id only gives revenue_split's own refusal
SELECT throws_ok($$SELECT * FROM my_statement(-1)$$, '22023', NULL,
    'authenticated: an unknown run id -> 22023, from revenue_split_statement inside the function');

-- ==== creator 2 (the legacy per-claim setting) ====
SET LOCAL "request.jwt.claims" = '';
SET LOCAL "request.jwt.claim.sub" = '00000000-0000-0000-0000-0000000000b2';
SELECT results_eq($$SELECT video_id, views, amount_cents FROM my_statement((SELECT run_id FROM run))$$,
    $$VALUES (21::bigint, 40::bigint, 500::bigint)$$,
    'authenticated as creator 2 (request.jwt.claim.sub): creator 2''s row only');

-- ==== a user with no creator, and no user at all ====
SET LOCAL "request.jwt.claim.sub" = '00000000-0000-0000-0000-0000000000c3';
SELECT is_empty($$SELECT * FROM my_statement((SELECT run_id FROM run))$$,
    'authenticated as a user with no creator_logins row: no rows');
SET LOCAL "request.jwt.claim.sub" = '';
SELECT is_empty($$SELECT * FROM my_statement((SELECT run_id FROM run))$$,
    'authenticated without a JWT subject: no rows');
RESET ROLE;

-- ==== anon may not call it at all ====
SET LOCAL ROLE anon;
SELECT throws_ok($$SELECT * FROM my_statement((SELECT run_id FROM run))$$, '42501', NULL,
    'anon cannot execute my_statement (42501)');
SELECT throws_ok($$SELECT * FROM extensions.revenue_split_statement((SELECT run_id FROM run))$$, '42501', NULL,
    'anon cannot call revenue_split_statement (42501)');
RESET ROLE;

-- ==== the function does not follow the caller's search_path ====
-- A shadow creator_logins / revenue_split_statement in a schema first on the caller's path,
-- mapping creator 1's user to creator 2, changes nothing.
CREATE SCHEMA shadow;
CREATE TABLE shadow.creator_logins (auth_user_id uuid, creator_id bigint);
INSERT INTO shadow.creator_logins VALUES ('00000000-0000-0000-0000-0000000000a1', 2);
GRANT USAGE ON SCHEMA shadow TO authenticated;
GRANT SELECT ON shadow.creator_logins TO authenticated;
SET LOCAL ROLE authenticated;
SET LOCAL search_path = shadow, public, extensions;
SET LOCAL "request.jwt.claims" = '{"sub": "00000000-0000-0000-0000-0000000000a1"}';
SELECT results_eq($$SELECT video_id, amount_cents FROM public.my_statement((SELECT run_id FROM run))$$,
    $$VALUES (11::bigint, 375::bigint), (12, 125)$$,
    'a shadow creator_logins first on the caller''s search_path is ignored: still creator 1''s rows');
RESET ROLE;
SET LOCAL search_path = public, extensions;

-- ==== the statement stays what it was after the events are deleted ====
DELETE FROM public.event;
SET LOCAL ROLE authenticated;
SET LOCAL "request.jwt.claims" = '{"sub": "00000000-0000-0000-0000-0000000000a1"}';
SELECT results_eq($$SELECT video_id, amount_cents FROM my_statement((SELECT run_id FROM run))$$,
    $$VALUES (11::bigint, 375::bigint), (12, 125)$$,
    'after every event was deleted, creator 1 still sees the same statement');
RESET ROLE;

-- ==== the README's other way: a table with row-level security, filled after the run ====
-- auth.uid() as Supabase defines it, where it does not exist
CREATE SCHEMA IF NOT EXISTS auth;
GRANT USAGE ON SCHEMA auth TO authenticated;
CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
                    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
$$;
CREATE TABLE public.creator_statements (
    auth_user_id uuid NOT NULL,
    run_id bigint, creator_id bigint, video_id bigint, views bigint, likes bigint, comments bigint,
    shares bigint, raw_units double precision, units double precision, amount_cents bigint,
    PRIMARY KEY (run_id, creator_id, video_id)
);
ALTER TABLE public.creator_statements ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON public.creator_statements FOR SELECT TO authenticated
    USING (auth_user_id = auth.uid());
GRANT SELECT ON public.creator_statements TO authenticated;
INSERT INTO public.creator_statements
SELECT l.auth_user_id, s.*
FROM extensions.revenue_split_statement((SELECT run_id FROM run)) s JOIN public.creator_logins l USING (creator_id);

SELECT is((SELECT count(*) FROM public.creator_statements), 3::bigint, 'RLS table: the run''s three rows were copied');
SET LOCAL ROLE authenticated;
SET LOCAL "request.jwt.claim.sub" = '';
SET LOCAL "request.jwt.claims" = '{"sub": "00000000-0000-0000-0000-0000000000b2"}';
SELECT results_eq($$SELECT creator_id, video_id, amount_cents FROM public.creator_statements ORDER BY video_id$$,
    $$VALUES (2::bigint, 21::bigint, 500::bigint)$$,
    'RLS table as creator 2: only creator 2''s row');
SET LOCAL "request.jwt.claims" = '{"sub": "00000000-0000-0000-0000-0000000000c3"}';
SELECT is_empty($$SELECT * FROM public.creator_statements$$, 'RLS table as a user with no creator: no rows');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;

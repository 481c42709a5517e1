-- Scenario group: least privilege (issue 6 §1, README "Security").
--
-- Nothing of revenue_split is usable by PUBLIC: on Supabase every function in an exposed schema is
-- callable by `anon` and `authenticated` unless revoked. As `anon`, `authenticated` (no grants, like
-- Supabase's), a fresh role with only USAGE on schema public, and an application role with full
-- privileges on the application tables but without revenue_split_admin: every revenue_split function
-- and every access to revenue_split.config / runs / allocations is refused with 42501. A role granted
-- revenue_split_admin (plus its own privileges on the application tables) previews and commits.
-- The catalog says the same: no function has EXECUTE for PUBLIC, the schema and tables have no
-- PUBLIC privilege, and nothing is granted to anon/authenticated.
--
-- Fixture (as in 21_commit): every creator-day is "simple" (views only, one device and IP per view,
-- created_at NULL): units(c, D) = 1.01 * views.
--   users 1 KYC 3 (unlimited) balance 0, 2 KYC 1 (cap 5,000) balance 100
--   2025-05-10: video 11 (creator 1) 30 views, video 21 (creator 2) 10 views
--   pool 10,000 -> 1: 7,500, 2: 2,500 (under its cap)
BEGIN;
SELECT plan(92);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, NULL, false), (2, 100, 1, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES (11, 1, NULL), (21, 2, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT x.v, 'view', timestamptz '2025-05-10 10:00+00' + g * interval '1 minute', 'd' || x.v || '-' || g, 'i' || x.v || '-' || g
FROM (VALUES (11, 30), (21, 10)) AS x(v, n), generate_series(1, x.n) g;

-- Roles. anon / authenticated as on Supabase (NOLOGIN, no grants); created if missing (CREATE ROLE
-- is transactional: the ROLLBACK at the end removes them again).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN; END IF;
END
$$;
CREATE ROLE rs_t30_fresh NOLOGIN;                 -- only USAGE on schema public
GRANT USAGE ON SCHEMA public TO rs_t30_fresh;
CREATE ROLE rs_t30_app NOLOGIN;                   -- full rights on the app tables, no revenue_split_admin
GRANT USAGE ON SCHEMA public TO rs_t30_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.users, public.videos, public.event, public.transactions TO rs_t30_app;
CREATE ROLE rs_t30_admin NOLOGIN;                 -- revenue_split_admin + what a commit needs on the app tables
GRANT revenue_split_admin TO rs_t30_admin;
GRANT USAGE ON SCHEMA public TO rs_t30_admin;
GRANT SELECT ON public.users, public.videos, public.event, public.transactions TO rs_t30_admin;
GRANT UPDATE ON public.users TO rs_t30_admin;
GRANT INSERT ON public.transactions TO rs_t30_admin;
DO $$ BEGIN
    EXECUTE format('GRANT USAGE ON SEQUENCE %s TO rs_t30_admin', pg_get_serial_sequence('public.transactions', 'id'));
END $$;
CREATE ROLE rs_t30_admin_ro NOLOGIN;              -- revenue_split_admin, but may only read the app tables
GRANT revenue_split_admin TO rs_t30_admin_ro;
GRANT SELECT ON public.users, public.videos, public.event, public.transactions TO rs_t30_admin_ro;

-- The extension's functions, wherever CREATE EXTENSION put them.
CREATE TEMP VIEW rs_funcs AS
SELECT p.oid, p.oid::regprocedure::text AS sig, p.proacl
FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
WHERE d.refclassid = 'pg_extension'::regclass AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'revenue_split');
GRANT SELECT ON rs_funcs TO PUBLIC;

-- The refusals every unprivileged role must get: one call per function, every config access, the run tables.
CREATE TEMP TABLE refused (ord int, what text, sql text);
INSERT INTO refused VALUES
    (1,  'revenue_split_video_units',  $$SELECT * FROM revenue_split_video_units('2025-05-10')$$),
    (2,  'revenue_split_units',        $$SELECT * FROM revenue_split_units('2025-05-10')$$),
    (3,  'revenue_split_preview',      $$SELECT * FROM revenue_split_preview(10000, 2025, 5)$$),
    (4,  'revenue_split_preview (defaults)', $$SELECT * FROM revenue_split_preview(10000)$$),
    (5,  'revenue_split_preview_day',  $$SELECT * FROM revenue_split_preview_day(10000, '2025-05-10')$$),
    (6,  'revenue_split_commit',       $$SELECT * FROM revenue_split_commit(10000, 2025, 5)$$),
    (7,  'revenue_split_run',          $$SELECT * FROM revenue_split_run(10000, '2025-05-10')$$),
    (8,  'SELECT revenue_split.config', $$SELECT * FROM revenue_split.config$$),
    (9,  'UPDATE revenue_split.config', $$UPDATE revenue_split.config SET app_schema = 'evil'$$),
    (10, 'INSERT revenue_split.config', $$INSERT INTO revenue_split.config (app_schema) VALUES ('evil')$$),
    (11, 'SELECT revenue_split.runs',   $$SELECT * FROM revenue_split.runs$$),
    (12, 'SELECT revenue_split.allocations', $$SELECT * FROM revenue_split.allocations$$),
    (13, 'INSERT revenue_split.runs',   $$INSERT INTO revenue_split.runs (kind, period_start, period_end, payment_type, pool_cents,
        allocated_cents, unallocated_cents, total_units, creators, config) VALUES ('daily', '2025-05-10', '2025-05-11', 'x', 1, 1, 0, 1, 1, '{}')$$);
GRANT SELECT ON refused TO PUBLIC;

-- ==== anon ====
SET LOCAL ROLE anon;
SELECT throws_ok(sql, '42501', NULL, 'anon: ' || what || ' is refused (42501)') FROM refused ORDER BY ord;
SELECT CASE WHEN to_regprocedure('revenue_split_doctor()') IS NULL THEN skip('no revenue_split_doctor()', 1)
            ELSE throws_ok($$SELECT * FROM revenue_split_doctor()$$, '42501', NULL, 'anon: revenue_split_doctor is refused (42501)') END;
SELECT is(ARRAY(SELECT sig FROM rs_funcs WHERE has_function_privilege(oid, 'EXECUTE') ORDER BY sig), '{}'::text[],
    'anon: EXECUTE on no revenue_split function at all');
RESET ROLE;

-- ==== authenticated ====
SET LOCAL ROLE authenticated;
SELECT throws_ok(sql, '42501', NULL, 'authenticated: ' || what || ' is refused (42501)') FROM refused ORDER BY ord;
SELECT CASE WHEN to_regprocedure('revenue_split_doctor()') IS NULL THEN skip('no revenue_split_doctor()', 1)
            ELSE throws_ok($$SELECT * FROM revenue_split_doctor()$$, '42501', NULL, 'authenticated: revenue_split_doctor is refused (42501)') END;
SELECT is(ARRAY(SELECT sig FROM rs_funcs WHERE has_function_privilege(oid, 'EXECUTE') ORDER BY sig), '{}'::text[],
    'authenticated: EXECUTE on no revenue_split function at all');
RESET ROLE;

-- ==== a fresh role with only USAGE on schema public ====
SET LOCAL ROLE rs_t30_fresh;
SELECT throws_ok(sql, '42501', NULL, 'fresh role: ' || what || ' is refused (42501)') FROM refused ORDER BY ord;
SELECT CASE WHEN to_regprocedure('revenue_split_doctor()') IS NULL THEN skip('no revenue_split_doctor()', 1)
            ELSE throws_ok($$SELECT * FROM revenue_split_doctor()$$, '42501', NULL, 'fresh role: revenue_split_doctor is refused (42501)') END;
SELECT is(ARRAY(SELECT sig FROM rs_funcs WHERE has_function_privilege(oid, 'EXECUTE') ORDER BY sig), '{}'::text[],
    'fresh role: EXECUTE on no revenue_split function at all');
RESET ROLE;

-- ==== an application role with every privilege on the app tables, but not revenue_split_admin ====
SET LOCAL ROLE rs_t30_app;
SELECT throws_ok(sql, '42501', NULL, 'app role without revenue_split_admin: ' || what || ' is refused (42501)') FROM refused ORDER BY ord;
SELECT is(ARRAY(SELECT sig FROM rs_funcs WHERE has_function_privilege(oid, 'EXECUTE') ORDER BY sig), '{}'::text[],
    'app role without revenue_split_admin: EXECUTE on no revenue_split function at all');
RESET ROLE;

-- nothing was written by any refused call
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs), (SELECT count(*) FROM revenue_split.allocations),
             (SELECT count(*) FROM revenue_split.config), (SELECT count(*) FROM public.transactions),
             (SELECT sum(current_balance) FROM public.users)$$,
    $$VALUES (0::bigint, 0::bigint, 0::bigint, 0::bigint, 100::numeric)$$,
    'refused calls wrote nothing: no run, no allocation, no config row, no transaction, balances unchanged');

-- ==== the catalog ====
SELECT cmp_ok((SELECT count(*) FROM rs_funcs), '>=', 6::bigint, 'catalog: the extension owns at least the six SPEC §8 functions');
SELECT is(ARRAY(SELECT sig FROM rs_funcs WHERE proacl IS NULL ORDER BY sig), '{}'::text[],
    'catalog: every revenue_split function has an explicit ACL (NULL proacl = EXECUTE for PUBLIC)');
SELECT is(ARRAY(SELECT sig FROM rs_funcs f WHERE EXISTS (SELECT FROM aclexplode(f.proacl) a WHERE a.grantee = 0) ORDER BY sig), '{}'::text[],
    'catalog: no revenue_split function grants anything to PUBLIC (aclexplode grantee 0)');
SELECT is(ARRAY(SELECT sig FROM rs_funcs f
                WHERE NOT EXISTS (SELECT FROM aclexplode(f.proacl) a
                                  WHERE a.grantee = 'revenue_split_admin'::regrole AND a.privilege_type = 'EXECUTE')
                ORDER BY sig), '{}'::text[],
    'catalog: revenue_split_admin has EXECUTE on every revenue_split function');
SELECT ok(EXISTS (SELECT FROM pg_roles WHERE rolname = 'revenue_split_admin' AND NOT rolcanlogin),
    'catalog: the role revenue_split_admin exists and is NOLOGIN');
SELECT ok((SELECT nspacl IS NOT NULL AND NOT EXISTS (SELECT FROM aclexplode(nspacl) a WHERE a.grantee = 0)
             FROM pg_namespace WHERE nspname = 'revenue_split'),
    'catalog: schema revenue_split grants nothing to PUBLIC');
SELECT is(ARRAY(SELECT c.oid::regclass::text FROM pg_class c
                WHERE c.relnamespace = 'revenue_split'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                  AND (c.relacl IS NULL OR EXISTS (SELECT FROM aclexplode(c.relacl) a WHERE a.grantee = 0))
                ORDER BY 1), '{}'::text[],
    'catalog: no table, view or sequence of schema revenue_split is open to PUBLIC');
SELECT is(ARRAY(SELECT c.oid::regclass::text || ' ' || a.privilege_type FROM pg_class c, aclexplode(c.relacl) a
                WHERE c.relnamespace = 'revenue_split'::regnamespace
                  AND a.grantee IN (SELECT oid FROM pg_roles WHERE rolname IN ('anon', 'authenticated'))
                UNION ALL
                SELECT f.sig || ' ' || a.privilege_type FROM rs_funcs f, aclexplode(f.proacl) a
                WHERE a.grantee IN (SELECT oid FROM pg_roles WHERE rolname IN ('anon', 'authenticated'))
                ORDER BY 1), '{}'::text[],
    'catalog: nothing of revenue_split is granted to anon or authenticated');
SELECT ok(NOT has_schema_privilege('anon', 'revenue_split', 'USAGE') AND NOT has_schema_privilege('authenticated', 'revenue_split', 'USAGE'),
    'catalog: anon and authenticated have no USAGE on schema revenue_split');
SELECT ok(NOT has_table_privilege('anon', 'revenue_split.config', 'SELECT,UPDATE,INSERT,DELETE')
          AND NOT has_table_privilege('authenticated', 'revenue_split.config', 'SELECT,UPDATE,INSERT,DELETE'),
    'catalog: anon and authenticated have no privilege on revenue_split.config');
SELECT is(ARRAY(SELECT sig FROM rs_funcs f WHERE EXISTS (SELECT FROM pg_proc p WHERE p.oid = f.oid AND p.prosecdef) ORDER BY sig), '{}'::text[],
    'catalog: every revenue_split function is SECURITY INVOKER');
SELECT is(ARRAY(SELECT sig FROM rs_funcs f JOIN pg_proc p ON p.oid = f.oid
                WHERE NOT coalesce(p.proconfig @> '{"search_path=pg_catalog, pg_temp"}', false) ORDER BY sig), '{}'::text[],
    'catalog: every revenue_split function pins search_path = pg_catalog, pg_temp');

-- ==== revenue_split_admin: previews and commits ====
-- Expected values computed first as the superuser (nothing written by previews).
CREATE TEMP TABLE exp_preview AS SELECT * FROM revenue_split_preview(10000, 2025, 5);
CREATE TEMP TABLE exp_units AS SELECT * FROM revenue_split_units('2025-05-10');
GRANT SELECT ON exp_preview, exp_units TO PUBLIC;
SELECT results_eq($$SELECT creator_id, amount_cents FROM exp_preview ORDER BY creator_id$$,
    $$VALUES (1::bigint, 7500::bigint), (2, 2500)$$, 'fixture: the monthly preview pays 1: 7,500 and 2: 2,500');

SET LOCAL ROLE rs_t30_admin;
SELECT results_eq($$SELECT * FROM revenue_split_units('2025-05-10') ORDER BY creator_id$$,
    $$SELECT * FROM exp_units ORDER BY creator_id$$, 'admin: revenue_split_units works');
SELECT is((SELECT count(*) FROM revenue_split_video_units('2025-05-10')), 2::bigint, 'admin: revenue_split_video_units works');
SELECT results_eq($$SELECT * FROM revenue_split_preview(10000, 2025, 5) ORDER BY creator_id$$,
    $$SELECT * FROM exp_preview ORDER BY creator_id$$, 'admin: revenue_split_preview works');
SELECT results_eq($$SELECT creator_id, amount_cents FROM revenue_split_preview_day(10000, '2025-05-10') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 7500::bigint), (2, 2500)$$, 'admin: revenue_split_preview_day works');
SELECT results_eq($$SELECT status, allocated_cents, unallocated_cents, creators FROM revenue_split_commit(10000, 2025, 5)$$,
    $$VALUES ('committed', 10000::bigint, 0::bigint, 2)$$, 'admin: revenue_split_commit commits');
SELECT results_eq($$SELECT status FROM revenue_split_commit(10000, 2025, 5)$$, $$VALUES ('skipped')$$,
    'admin: a second revenue_split_commit is skipped');
SELECT results_eq($$SELECT status, allocated_cents FROM revenue_split_run(1000, '2025-05-10', 'bonus')$$,
    $$VALUES ('committed', 1000::bigint)$$, 'admin: revenue_split_run commits');
SELECT results_eq($$SELECT recipient, amount_cents, payment_type FROM public.transactions ORDER BY payment_type, recipient$$,
    $$VALUES (1::bigint, 750, 'bonus'), (2, 250, 'bonus'), (1, 7500, 'revenue_split_monthly'), (2, 2500, 'revenue_split_monthly')$$,
    'admin: the ledger rows were written');
SELECT results_eq($$SELECT id, current_balance FROM public.users ORDER BY id$$,
    $$VALUES (1::bigint, 8250::bigint), (2, 2850)$$, 'admin: the balances were bumped');
SELECT results_eq($$SELECT kind, committed_by = 'rs_t30_admin' FROM revenue_split.runs ORDER BY kind$$,
    $$VALUES ('daily', true), ('monthly', true)$$, 'admin: can read revenue_split.runs; committed_by is the caller');
SELECT is((SELECT count(*) FROM revenue_split.allocations), 4::bigint, 'admin: can read revenue_split.allocations');
SELECT lives_ok($$INSERT INTO revenue_split.config (app_schema) VALUES ('public')
                  ON CONFLICT (singleton) DO UPDATE SET app_schema = EXCLUDED.app_schema$$,
    'admin: can write revenue_split.config');
SELECT is((SELECT app_schema FROM revenue_split.config), 'public', 'admin: can read revenue_split.config');
-- the run tables are an audit trail: revenue_split_admin may not rewrite them
SELECT throws_ok($$UPDATE revenue_split.runs SET pool_cents = 0$$, '42501', NULL, 'admin: cannot UPDATE revenue_split.runs');
SELECT throws_ok($$DELETE FROM revenue_split.allocations$$, '42501', NULL, 'admin: cannot DELETE revenue_split.allocations');
RESET ROLE;

-- ==== revenue_split_admin without write privileges on the app tables (SECURITY INVOKER) ====
SET LOCAL ROLE rs_t30_admin_ro;
SELECT results_eq($$SELECT creator_id, amount_cents FROM revenue_split_preview_day(1000, '2025-05-10') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 750::bigint), (2, 250)$$, 'admin with read-only app tables: previews work');
SELECT throws_ok($$SELECT * FROM revenue_split_run(1000, '2025-05-10', 'ro')$$, '42501', NULL,
    'admin with read-only app tables: a commit is refused by the app tables privileges (42501)');
RESET ROLE;
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs), (SELECT count(*) FROM revenue_split.allocations),
             (SELECT count(*) FROM public.transactions), (SELECT sum(current_balance) FROM public.users)$$,
    $$VALUES (2::bigint, 4::bigint, 4::bigint, 11100::numeric)$$,
    'the refused commit wrote nothing (2 runs, 4 allocations, 4 transactions, balances 8,250 + 2,850)');

SELECT is((SELECT 1), 1, 'the session still works');

SELECT * FROM finish();
ROLLBACK;

-- Scenario group: row-level security never shrinks a payout silently (issue 12 §2, SPEC §1,
-- README "Supabase (self-hosted)").
--
-- Every function runs with row_security = off, so a read of an application table that RLS
-- applies to for the caller fails with 42501 naming the table, instead of computing on the rows a
-- policy lets through. The payer below is NOBYPASSRLS, granted revenue_split_admin (as the README
-- suggests) plus what a commit needs on the application tables.
--   A. a policy on event that shows the payer half of the rows: every reading function → 42501 "event"
--   B. users hidden (RLS enabled, no policy): preview and units → 42501 "users"
--   C. RLS on all four tables: commit and run → 42501, nothing written
--   D. RLS on all four tables with a permissive USING (true) policy for the payer: still 42501.
--      row_security = off refuses every table that RLS applies to, whatever its policies say
--      (PostgreSQL decides before looking at them), so a policy is no way around it.
--   E. a BYPASSRLS payer, with RLS and the half policy on: same rows as the superuser; commits
--   F. the tables' owner: fine without FORCE ROW LEVEL SECURITY, 42501 with it
--
-- Fixture (as in 30_privileges): every creator-day is "simple" (views only, one device and IP per
-- view, created_at NULL): units(c, D) = 1.01 * views.
--   users 1 KYC 3 (unlimited) balance 0, 2 KYC 1 (cap 5,000) balance 100
--   2025-05-10: video 11 (creator 1) 30 views at minutes 1..30, video 21 (creator 2) 10 views at minutes 1..10
--   pool 10,000 -> 1: 7,500, 2: 2,500
BEGIN;
SELECT plan(33);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, NULL, false), (2, 100, 1, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES (11, 1, NULL), (21, 2, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT x.v, 'view', timestamptz '2025-05-10 10:00+00' + g * interval '1 minute', 'd' || x.v || '-' || g, 'i' || x.v || '-' || g
FROM (VALUES (11, 30), (21, 10)) AS x(v, n), generate_series(1, x.n) g;

-- The payout roles: the same grants, one NOBYPASSRLS, one BYPASSRLS; and an owner of the tables.
CREATE ROLE rs_t34_payer NOLOGIN NOBYPASSRLS;
CREATE ROLE rs_t34_bypass NOLOGIN BYPASSRLS;
CREATE ROLE rs_t34_owner NOLOGIN NOBYPASSRLS;
GRANT revenue_split_admin TO rs_t34_payer, rs_t34_bypass, rs_t34_owner;
GRANT USAGE ON SCHEMA public TO rs_t34_payer, rs_t34_bypass;
GRANT SELECT ON public.users, public.videos, public.event, public.transactions TO rs_t34_payer, rs_t34_bypass;
GRANT UPDATE (current_balance) ON public.users TO rs_t34_payer, rs_t34_bypass;
GRANT INSERT ON public.transactions TO rs_t34_payer, rs_t34_bypass;
DO $$ BEGIN
    EXECUTE format('GRANT USAGE ON SEQUENCE %s TO rs_t34_payer, rs_t34_bypass', pg_get_serial_sequence('public.transactions', 'id'));
END $$;

-- The readers, and what they return to the superuser (nothing is written by these).
CREATE TEMP TABLE readers (ord int, what text, sql text);
INSERT INTO readers VALUES
    (1, 'revenue_split_video_units', $$SELECT * FROM revenue_split_video_units('2025-05-10')$$),
    (2, 'revenue_split_units',       $$SELECT * FROM revenue_split_units('2025-05-10')$$),
    (3, 'revenue_split_preview',     $$SELECT * FROM revenue_split_preview(10000, 2025, 5)$$),
    (4, 'revenue_split_preview_day', $$SELECT * FROM revenue_split_preview_day(10000, '2025-05-10')$$);
CREATE TEMP TABLE exp_units AS SELECT * FROM revenue_split_units('2025-05-10');
CREATE TEMP TABLE exp_video_units AS SELECT * FROM revenue_split_video_units('2025-05-10');
CREATE TEMP TABLE exp_preview AS SELECT * FROM revenue_split_preview(10000, 2025, 5);
GRANT SELECT ON readers, exp_units, exp_video_units, exp_preview TO PUBLIC;
SELECT results_eq($$SELECT creator_id, amount_cents FROM exp_preview ORDER BY creator_id$$,
    $$VALUES (1::bigint, 7500::bigint), (2, 2500)$$, 'fixture: the monthly preview pays 1: 7,500 and 2: 2,500');

-- ==== A. a policy on event shows the payer half of the rows ====
ALTER TABLE public.event ENABLE ROW LEVEL SECURITY;
CREATE POLICY rs_t34_half ON public.event FOR SELECT USING (extract(minute FROM ts)::int % 2 = 0);
SET LOCAL ROLE rs_t34_payer;
SELECT is((SELECT count(*) FROM public.event), 20::bigint, 'A: the policy really shows the payer 20 of the 40 events');
SELECT throws_ok(sql, '42501', NULL, 'A: ' || what || ' is refused (42501)') FROM readers ORDER BY ord;
SELECT throws_like(sql, '%"event"%', 'A: ' || what || ': the error names the table event') FROM readers ORDER BY ord;
SELECT throws_ok($$SELECT * FROM revenue_split_run(1000, '2025-05-10')$$, '42501', NULL, 'A: revenue_split_run is refused (42501)');
RESET ROLE;
DROP POLICY rs_t34_half ON public.event;
ALTER TABLE public.event DISABLE ROW LEVEL SECURITY;

-- ==== B. users hidden: RLS enabled, no policy ====
ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;
SET LOCAL ROLE rs_t34_payer;
SELECT is((SELECT count(*) FROM public.users), 0::bigint, 'B: the payer sees no users row');
SELECT throws_ok($$SELECT * FROM revenue_split_preview(10000, 2025, 5)$$, '42501', NULL, 'B: revenue_split_preview is refused (42501)');
SELECT throws_like($$SELECT * FROM revenue_split_preview(10000, 2025, 5)$$, '%"users"%', 'B: revenue_split_preview: the error names the table users');
SELECT throws_ok($$SELECT * FROM revenue_split_units('2025-05-10')$$, '42501', NULL, 'B: revenue_split_units is refused (42501)');
SELECT throws_like($$SELECT * FROM revenue_split_units('2025-05-10')$$, '%"users"%', 'B: revenue_split_units: the error names the table users');
RESET ROLE;

-- ==== C. RLS on all four tables: commits refused, nothing written ====
ALTER TABLE public.videos ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.event ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.transactions ENABLE ROW LEVEL SECURITY;
SET LOCAL ROLE rs_t34_payer;
SELECT throws_ok($$SELECT * FROM revenue_split_commit(10000, 2025, 5)$$, '42501', NULL, 'C: revenue_split_commit is refused (42501), not no_units');
SELECT throws_ok($$SELECT * FROM revenue_split_run(1000, '2025-05-10')$$, '42501', NULL, 'C: revenue_split_run is refused (42501)');
RESET ROLE;
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs), (SELECT count(*) FROM revenue_split.allocations),
             (SELECT count(*) FROM public.transactions), (SELECT sum(current_balance) FROM public.users)$$,
    $$VALUES (0::bigint, 0::bigint, 0::bigint, 100::numeric)$$,
    'C: nothing was written: no run, no allocation, no ledger row, balances unchanged');

-- ==== D. ... with a permissive USING (true) policy for the payer on every table ====
CREATE POLICY rs_t34_all ON public.users  TO rs_t34_payer USING (true) WITH CHECK (true);
CREATE POLICY rs_t34_all ON public.videos TO rs_t34_payer USING (true) WITH CHECK (true);
CREATE POLICY rs_t34_all ON public.event  TO rs_t34_payer USING (true) WITH CHECK (true);
CREATE POLICY rs_t34_all ON public.transactions TO rs_t34_payer USING (true) WITH CHECK (true);
SET LOCAL ROLE rs_t34_payer;
SELECT is((SELECT count(*) FROM public.event), 40::bigint, 'D: the policy shows the payer every event');
SELECT throws_ok($$SELECT * FROM revenue_split_preview(10000, 2025, 5)$$, '42501', NULL,
    'D: revenue_split_preview is still refused (42501): RLS applies to the payer, row_security = off refuses it');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(10000, 2025, 5)$$, '42501', NULL,
    'D: revenue_split_commit is still refused (42501)');
RESET ROLE;
SELECT is((SELECT count(*) FROM revenue_split.runs), 0::bigint, 'D: no run was written');

-- ==== E. a BYPASSRLS payer: RLS on all four tables and the half policy on event change nothing ====
CREATE POLICY rs_t34_half ON public.event FOR SELECT USING (extract(minute FROM ts)::int % 2 = 0);
SET LOCAL ROLE rs_t34_bypass;
SELECT results_eq($$SELECT * FROM revenue_split_video_units('2025-05-10') ORDER BY video_id$$,
    $$SELECT * FROM exp_video_units ORDER BY video_id$$, 'E: BYPASSRLS: revenue_split_video_units = the superuser''s');
SELECT results_eq($$SELECT * FROM revenue_split_units('2025-05-10') ORDER BY creator_id$$,
    $$SELECT * FROM exp_units ORDER BY creator_id$$, 'E: BYPASSRLS: revenue_split_units = the superuser''s');
SELECT results_eq($$SELECT * FROM revenue_split_preview(10000, 2025, 5) ORDER BY creator_id$$,
    $$SELECT * FROM exp_preview ORDER BY creator_id$$, 'E: BYPASSRLS: revenue_split_preview = the superuser''s');
SELECT results_eq($$SELECT status, allocated_cents, creators FROM revenue_split_commit(10000, 2025, 5)$$,
    $$VALUES ('committed', 10000::bigint, 2)$$, 'E: BYPASSRLS: revenue_split_commit commits the whole pool');
RESET ROLE;
SELECT results_eq($$SELECT recipient, amount_cents FROM public.transactions ORDER BY recipient$$,
    $$VALUES (1::bigint, 7500), (2, 2500)$$, 'E: the ledger rows are the full amounts');
SELECT results_eq($$SELECT id, current_balance FROM public.users ORDER BY id$$,
    $$VALUES (1::bigint, 7500::bigint), (2, 2600)$$, 'E: the balances were bumped by the full amounts');

-- ==== F. the tables' owner (NOBYPASSRLS): RLS does not apply to it unless FORCE'd ====
ALTER TABLE public.users OWNER TO rs_t34_owner;
ALTER TABLE public.videos OWNER TO rs_t34_owner;
ALTER TABLE public.event OWNER TO rs_t34_owner;
ALTER TABLE public.transactions OWNER TO rs_t34_owner;
GRANT USAGE ON SCHEMA public TO rs_t34_owner;
SET LOCAL ROLE rs_t34_owner;
SELECT results_eq($$SELECT * FROM revenue_split_units('2025-05-10') ORDER BY creator_id$$,
    $$SELECT * FROM exp_units ORDER BY creator_id$$, 'F: the owner: revenue_split_units = the superuser''s');
RESET ROLE;
ALTER TABLE public.event FORCE ROW LEVEL SECURITY;
SET LOCAL ROLE rs_t34_owner;
SELECT throws_ok($$SELECT * FROM revenue_split_units('2025-05-10')$$, '42501', NULL,
    'F: the owner with FORCE ROW LEVEL SECURITY on event is refused (42501)');
SELECT throws_like($$SELECT * FROM revenue_split_units('2025-05-10')$$, '%"event"%', 'F: the error names the table event');
RESET ROLE;

SELECT is((SELECT 1), 1, 'the session still works');

SELECT * FROM finish();
ROLLBACK;

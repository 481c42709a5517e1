-- Scenario group: statements (SPEC §10): revenue_split_statement(run_id, creator_id) apportions each
-- creator's earned amount of a run over its videos by units, largest remainder, ties to the
-- smaller video id; a creator's rows sum exactly to what it earned; the statement of a committed
-- run never changes when events change later; a correction's statement uses its target;
-- an unknown run -> 22023.
--
-- Every video-day is "simple" (views only, each view with its own device and IP, created_at NULL):
-- raw = views, quality 1 (all ER 0), early 1, cluster 1 (top_share 1/views <= 0.2), and every
-- creator's 7-day integrity is 0.97 + 0.06 * (1 + 1 + 0)/3 = 1.01 (uniq devices = uniq IPs =
-- views), trust NULL -> 1. So a video's statement units = 1.01 * its views in the period.
--
--   users 1 A, 2 B, 3 C: KYC 3 (unlimited), balance 0
--   videos 11, 12, 13 -> A; 21 -> B; 31, 32, 33 -> C (33 inserted first)
--   2025-04-10: 11: 30 views, 12: 20, 13: 10, 21: 40
--   2025-04-11: 33: 10, 31: 10, 32: 10
--   2025-04-20: 11: 10
BEGIN;
SELECT plan(22);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, NULL, false), (2, 0, 3, NULL, false), (3, 0, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES
    (33, 3, NULL), (11, 1, NULL), (12, 1, NULL), (13, 1, NULL), (21, 2, NULL), (31, 3, NULL), (32, 3, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT x.v, 'view', x.d::timestamp AT TIME ZONE 'UTC' + interval '10 hours' + g * interval '1 minute',
       'd' || x.v || '-' || x.d || '-' || g, 'i' || x.v || '-' || x.d || '-' || g
FROM (VALUES (11, date '2025-04-10', 30), (12, '2025-04-10', 20), (13, '2025-04-10', 10), (21, '2025-04-10', 40),
             (33, '2025-04-11', 10), (31, '2025-04-11', 10), (32, '2025-04-11', 10),
             (11, '2025-04-20', 10)) AS x(v, d, n),
     generate_series(1, x.n) g;

-- a statement with its units rounded (units are float8)
CREATE FUNCTION pg_temp.st(r bigint, c bigint DEFAULT NULL)
RETURNS TABLE (run_id bigint, creator_id bigint, video_id bigint, views bigint, likes bigint, comments bigint, shares bigint,
               raw_units numeric, units numeric, amount_cents bigint)
LANGUAGE sql AS $$
    SELECT s.run_id, s.creator_id, s.video_id, s.views, s.likes, s.comments, s.shares,
           round(s.raw_units::numeric, 9), round(s.units::numeric, 9), s.amount_cents
    FROM revenue_split_statement(r, c) s ORDER BY s.creator_id, s.video_id
$$;

SELECT is(pg_get_function_result('revenue_split_statement(bigint, bigint)'::regprocedure),
    'TABLE(run_id bigint, creator_id bigint, video_id bigint, views bigint, likes bigint, comments bigint, shares bigint, raw_units double precision, units double precision, amount_cents bigint)',
    'revenue_split_statement returns the §10 columns');

-- ==== a daily run, 2025-04-10, pool 1,001 ====
-- A: 30.3 + 20.2 + 10.1 = 60.6, B: 40.4, U = 101 -> A 600.6, B 400.4 -> floors 600 + 400, the cent to A (.6)
-- -> A 601, B 400.
-- A's statement: 601 * (30.3, 20.2, 10.1)/60.6 = 300.5, 200.333, 100.167 -> floors 300, 200, 100 = 600,
-- the cent to the largest remainder (.5, video 11) -> 301, 200, 100.
CREATE TEMP TABLE d AS SELECT * FROM revenue_split_run(1001, '2025-04-10');
SELECT results_eq($$SELECT status, creators, allocated_cents, unallocated_cents FROM d$$,
    $$VALUES ('committed'::text, 2, 1001::bigint, 0::bigint)$$, 'daily run of 2025-04-10 committed');
SELECT results_eq(
    $$SELECT run_id = (SELECT run_id FROM d), creator_id, video_id, views, likes, comments, shares, raw_units, units, amount_cents
        FROM pg_temp.st((SELECT run_id FROM d))$$,
    $$VALUES (true, 1::bigint, 11::bigint, 30::bigint, 0::bigint, 0::bigint, 0::bigint, 30::numeric, 30.3::numeric, 301::bigint),
             (true, 1, 12, 20, 0, 0, 0, 20, 20.2, 200),
             (true, 1, 13, 10, 0, 0, 0, 10, 10.1, 100),
             (true, 2, 21, 40, 0, 0, 0, 40, 40.4, 400)$$,
    'daily statement: A 301 + 200 + 100 = 601 (the cent to the .5 remainder), B 400');
SELECT results_eq(
    $$SELECT creator_id, video_id, amount_cents FROM pg_temp.st((SELECT run_id FROM d), 2)$$,
    $$VALUES (2::bigint, 21::bigint, 400::bigint)$$,
    'daily statement for creator 2 only');
SELECT is_empty($$SELECT * FROM revenue_split_statement((SELECT run_id FROM d), 3)$$,
    'daily statement of a creator without units in the run: no rows');

-- ==== the monthly run, April 2025, pool 1,000 ====
-- A: 04-10 60.6 + 04-20 10.1 = 70.7 (video 11: 30.3 + 10.1 = 40.4 from 40 views; 12: 20.2; 13: 10.1)
-- B: 40.4. C: 30.3 (31, 32, 33: 10.1 each). U = 141.4.
-- A 1,000 * 70.7/141.4 = 500, B 285.714, C 214.286 -> floors 500 + 285 + 214 = 999, the cent to B (.714)
-- -> A 500, B 286, C 214.
-- A: 500 * (40.4, 20.2, 10.1)/70.7 = 285.714, 142.857, 71.429 -> floors 285 + 142 + 71 = 498; the 2 cents
--    to the largest remainders .857 (12) and .714 (11) -> 286, 143, 71.
-- C: 214 / 3 = 71.333 each -> floors 213, the cent to the tie's smallest video id 31 -> 72 (31), 71 (32), 71 (33).
CREATE TEMP TABLE m AS SELECT * FROM revenue_split_commit(1000, 2025, 4);
SELECT results_eq($$SELECT status, creators, allocated_cents, round(total_units::numeric, 9) FROM m$$,
    $$VALUES ('committed'::text, 3, 1000::bigint, 141.4::numeric)$$, 'April committed');
SELECT results_eq(
    $$SELECT creator_id, video_id, views, raw_units, units, amount_cents FROM pg_temp.st((SELECT run_id FROM m))$$,
    $$VALUES (1::bigint, 11::bigint, 40::bigint, 40::numeric, 40.4::numeric, 286::bigint),
             (1, 12, 20, 20, 20.2, 143),
             (1, 13, 10, 10, 10.1, 71),
             (2, 21, 40, 40, 40.4, 286),
             (3, 31, 10, 10, 10.1, 72),
             (3, 32, 10, 10, 10.1, 71),
             (3, 33, 10, 10, 10.1, 71)$$,
    'monthly statement: views and units summed over the month; A 286 + 143 + 71 = 500, B 286, C 72 + 71 + 71 = 214');
SELECT results_eq(
    $$SELECT video_id, amount_cents FROM pg_temp.st((SELECT run_id FROM m), 3)$$,
    $$VALUES (31::bigint, 72::bigint), (32, 71), (33, 71)$$,
    'monthly statement of C: the tie goes to the smaller video id (31), not to the first inserted (33)');

-- ==== every commit: a creator's rows sum exactly to its allocation, units to 1e-9 relative ====
SELECT is_empty(
    $$SELECT a.run_id, a.creator_id FROM revenue_split.allocations a
        LEFT JOIN LATERAL (SELECT sum(s.amount_cents) AS amt, sum(s.units) AS u FROM revenue_split_statement(a.run_id, a.creator_id) s) s ON true
       WHERE coalesce(s.amt, -1) <> a.amount_cents OR abs(s.u - a.units) > 1e-9 * a.units$$,
    'every allocation: Σ statement amount_cents = amount_cents, Σ statement units = units');
SELECT is_empty(
    $$SELECT s.creator_id FROM revenue_split_statement((SELECT run_id FROM m)) s
       WHERE NOT EXISTS (SELECT FROM revenue_split.allocations a WHERE a.run_id = s.run_id AND a.creator_id = s.creator_id)$$,
    'a statement lists only creators of the run');

CREATE TEMP TABLE st_d AS SELECT * FROM revenue_split_statement((SELECT run_id FROM d));
CREATE TEMP TABLE st_m AS SELECT * FROM revenue_split_statement((SELECT run_id FROM m));

-- ==== events of video 12 are deleted: the committed statements do not change ====
DELETE FROM public.event WHERE video_id = 12;
SELECT bag_eq($$SELECT * FROM revenue_split_statement((SELECT run_id FROM d))$$, $$SELECT * FROM st_d$$,
    'the daily statement is unchanged after its events were deleted');
SELECT bag_eq($$SELECT * FROM revenue_split_statement((SELECT run_id FROM m))$$, $$SELECT * FROM st_m$$,
    'the monthly statement is unchanged after its events were deleted');

-- ==== a correction of April: its statement uses its target ====
-- A: 40.4 (11) + 10.1 (13) = 50.5, B 40.4, C 30.3, U = 121.2 -> A 416.667, B 333.333, C 250 -> floors 999,
-- the cent to A (.667) -> targets A 417 (-83), B 333 (+47), C 250 (+36).
-- A: 417 * (40.4, 10.1)/50.5 = 333.6, 83.4 -> 333 + 83 = 416, the cent to 11 (.6) -> 334, 83.
-- C: 250 / 3 = 83.333 -> 83 x 3 = 249, the cent to 31 -> 84, 83, 83.
CREATE TEMP TABLE c AS SELECT * FROM revenue_split_correct(2025, 4);
SELECT results_eq(
    $$SELECT status, corrects_run_id = (SELECT run_id FROM m), creators_changed, credited_cents, debited_cents, allocated_cents, unallocated_cents FROM c$$,
    $$VALUES ('corrected'::text, true, 3, 83::bigint, 83::bigint, 1000::bigint, 0::bigint)$$,
    'the correction of April: A -83, B +47, C +36');
-- Reading: video 12 has no events left, so it is not a video of the corrected period; rows with
-- units 0 (if the implementation lists them) are left out of the comparison.
SELECT results_eq(
    $$SELECT run_id = (SELECT run_id FROM c), creator_id, video_id, views, raw_units, units, amount_cents
        FROM pg_temp.st((SELECT run_id FROM c)) WHERE units > 0$$,
    $$VALUES (true, 1::bigint, 11::bigint, 40::bigint, 40::numeric, 40.4::numeric, 334::bigint),
             (true, 1, 13, 10, 10, 10.1, 83),
             (true, 2, 21, 40, 40, 40.4, 333),
             (true, 3, 31, 10, 10, 10.1, 84),
             (true, 3, 32, 10, 10, 10.1, 83),
             (true, 3, 33, 10, 10, 10.1, 83)$$,
    'the correction''s statement apportions the targets: A 334 + 83 = 417, B 333, C 84 + 83 + 83 = 250');
SELECT is((SELECT sum(amount_cents) FROM revenue_split_statement((SELECT run_id FROM c))), 1000::numeric,
    'the correction''s statement sums to its allocated 1,000');
SELECT results_eq(
    $$SELECT video_id, amount_cents FROM pg_temp.st((SELECT run_id FROM c), 1) WHERE units > 0$$,
    $$VALUES (11::bigint, 334::bigint), (13, 83)$$,
    'the correction''s statement for creator 1 only');

-- ==== every event deleted: no committed statement changes ====
DELETE FROM public.event;
SELECT bag_eq($$SELECT * FROM revenue_split_statement((SELECT run_id FROM d))$$, $$SELECT * FROM st_d$$,
    'the daily statement is unchanged after every event was deleted');
SELECT bag_eq($$SELECT * FROM revenue_split_statement((SELECT run_id FROM m))$$, $$SELECT * FROM st_m$$,
    'the monthly statement is unchanged after every event was deleted');
SELECT results_eq(
    $$SELECT creator_id, sum(amount_cents) FROM revenue_split_statement((SELECT run_id FROM c)) GROUP BY creator_id ORDER BY creator_id$$,
    $$VALUES (1::bigint, 417::numeric), (2, 333), (3, 250)$$,
    'the correction''s statement is unchanged too (417, 333, 250)');

-- ==== a big run whose tables the planner believes empty ====
-- After a rolled-back commit, vacuum can leave allocations and statement_lines with their pages
-- and reltuples 0. A statement that joined the two then ran as a nested loop over every
-- allocation per line (545k lines of W's run: hours). Here 30,000 synthetic creators of run m,
-- one line each, under those statistics: the statement answers well within 5 s (the join
-- took longer than that on 30,000).
INSERT INTO revenue_split.allocations (run_id, creator_id, units, amount_cents, capped)
SELECT (SELECT run_id FROM m), 1000000 + g, 1, g % 7, false FROM generate_series(1, 30000) g;
INSERT INTO revenue_split.statement_lines (run_id, creator_id, video_id, views, likes, comments, shares, raw_units, units)
SELECT (SELECT run_id FROM m), 1000000 + g, g, 1, 0, 0, 0, 1, 1 FROM generate_series(1, 30000) g;
UPDATE pg_class SET reltuples = 0, relpages = 20000
 WHERE oid IN ('revenue_split.allocations'::regclass, 'revenue_split.statement_lines'::regclass);
SET LOCAL statement_timeout = '5s';
SELECT results_eq(
    $$SELECT count(*), sum(amount_cents) FROM revenue_split_statement((SELECT run_id FROM m)) WHERE creator_id > 1000000$$,
    $$SELECT 30000::bigint, sum(g % 7)::numeric FROM generate_series(1, 30000) g$$,
    'a statement of 30,000 creators whose tables the planner believes empty: every line, in time');
RESET statement_timeout;

-- ==== an unknown run ====
SELECT throws_ok($$SELECT * FROM revenue_split_statement((SELECT max(run_id) + 1000 FROM revenue_split.runs))$$, '22023', NULL,
    'statement of an unknown run -> 22023');
SELECT throws_ok($$SELECT * FROM revenue_split_statement(-1, 1)$$, '22023', NULL,
    'statement of run -1 (with a creator) -> 22023');

SELECT * FROM finish();
ROLLBACK;

-- Scenario group: payout policies and what is owed (SPEC §9): min_payout_cents, over_cap = hold,
-- the payment step, the preview columns paid_cents / owed_after_cents, the commit/run columns
-- paid_cents / owed_cents, likely_bot holds, and the revenue_split.balances view with its
-- invariants (earned = paid + owed; Σ signed transactions rows = paid, per creator).
--
-- Every creator-day is "simple" (one video, views only, each view with its own device and IP,
-- created_at NULL): raw = views, quality 1 (all ER 0 -> sigma 0), early 1, cluster 1
-- (top_share = 1/views <= 0.20), integrity 0.97 + 0.06 * (1 + 1 + 0)/3 = 1.01, trust NULL -> 1.
-- So units(c, D) = 1.01 * views(c, D), and every creator of a run has the same factor 1.01:
-- shares are ratios of views.
--
-- users (balance 0, trust NULL, not bots):
--   defaults:   1 KYC 1 (cap 5,000), 2 KYC 3
--   hold:      11 KYC 1 (later 3), 12 KYC 3, 13 KYC 0 (later bot + KYC 1, then not a bot)
--   min payout: 21 KYC 3, 22 KYC 3, 23 KYC 1 (cap 5,000), 24 KYC 3 (later a bot, then not)
-- videos: 100 * creator + 1 -> creator (101 -> 1, 1101 -> 11, 2401 -> 24, ...)
--
-- Readings of the SPEC used here (questions for the lead):
--   (a) `creators` of a commit/run row keeps its §8 meaning "amount > 0", and amount is what the
--       run EARNS (§9: "amount_cents stays what the run allocates, i.e. earns"), not what it pays.
--   (b) `capped` is not asserted under over_cap = hold, nor on owed-only preview rows (units 0):
--       §8 defines it through the water-filling, which hold does not run.
--   (c) `owed_cents` of a run row is Σ owed after the run over every creator, a likely_bot
--       creator's held money included (README: "Decisions where the SPEC is silent").
--   (d) whether a preview lists a bot that is owed money (units 0, paid 0) is not pinned down:
--       only "it is paid nothing" is asserted for it.
BEGIN;
SELECT plan(84);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 1, NULL, false), (2, 0, 3, NULL, false),
    (11, 0, 1, NULL, false), (12, 0, 3, NULL, false), (13, 0, 0, NULL, false),
    (21, 0, 3, NULL, false), (22, 0, 3, NULL, false), (23, 0, 1, NULL, false), (24, 0, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at)
SELECT 100 * u + 1, u, NULL FROM unnest(ARRAY[1, 2, 11, 12, 13, 21, 22, 23, 24]) u;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT x.v, 'view', x.d::timestamp AT TIME ZONE 'UTC' + interval '10 hours' + g * interval '1 minute',
       'd' || x.v || '-' || x.d || '-' || g, 'i' || x.v || '-' || x.d || '-' || g
FROM (VALUES (101, date '2025-01-10', 50), (201, '2025-01-10', 50),
             (1101, '2025-02-10', 50), (1201, '2025-02-10', 50),
             (1101, '2025-03-10', 50), (1201, '2025-03-10', 50),
             (1101, '2025-04-10', 50), (1201, '2025-04-10', 50),
             (1201, '2025-05-10', 10),
             (1101, '2025-06-10', 10), (1201, '2025-06-10', 10), (1301, '2025-06-10', 10),
             (1101, '2025-06-11', 10), (1201, '2025-06-11', 10), (1301, '2025-06-11', 10),
             (1201, '2025-06-12', 10),
             (2101, '2024-07-10', 10), (2201, '2024-07-10', 90),
             (2101, '2024-08-10', 10), (2201, '2024-08-10', 10),
             (2201, '2024-09-10', 10),
             (2201, '2024-09-11', 10),
             (2301, '2024-10-10', 10), (2201, '2024-10-10', 80), (2401, '2024-10-10', 10),
             (2301, '2024-11-10', 50), (2201, '2024-11-10', 50),
             (2201, '2024-12-10', 10),
             (2201, '2024-12-11', 10)
     ) AS x(v, d, n),
     generate_series(1, x.n) g;

-- The transactions rows written since the last mark (each step below marks, then runs).
CREATE TEMP TABLE tx_mark (m bigint NOT NULL);
INSERT INTO tx_mark VALUES (0);
CREATE FUNCTION pg_temp.mark() RETURNS void LANGUAGE sql AS
    $$UPDATE tx_mark SET m = (SELECT coalesce(max(id), 0) FROM public.transactions)$$;
-- balances view rows that are not all zero (whether all-zero rows are listed is not the point)
CREATE FUNCTION pg_temp.bal(c bigint) RETURNS TABLE (earned bigint, paid bigint, owed bigint) LANGUAGE sql AS
    $$SELECT coalesce(sum(earned_cents), 0)::bigint, coalesce(sum(paid_cents), 0)::bigint, coalesce(sum(owed_cents), 0)::bigint
        FROM revenue_split.balances WHERE creator_id = c$$;

-- ==== the contract of the new columns (SPEC §9) ====
SELECT is(pg_get_function_result('revenue_split_preview(bigint, int, int)'::regprocedure),
    'TABLE(creator_id bigint, units double precision, kyc_level integer, cap_cents bigint, amount_cents bigint, capped boolean, paid_cents bigint, owed_after_cents bigint)',
    'revenue_split_preview rows end with paid_cents, owed_after_cents');
SELECT is(pg_get_function_result('revenue_split_preview_day(bigint, date)'::regprocedure),
    'TABLE(creator_id bigint, units double precision, kyc_level integer, cap_cents bigint, amount_cents bigint, capped boolean, paid_cents bigint, owed_after_cents bigint)',
    'revenue_split_preview_day rows end with paid_cents, owed_after_cents');
SELECT is(pg_get_function_result('revenue_split_commit(bigint, int, int)'::regprocedure),
    'TABLE(run_id bigint, status text, period_start date, period_end date, pool_cents bigint, creators integer, allocated_cents bigint, unallocated_cents bigint, total_units double precision, paid_cents bigint, owed_cents bigint)',
    'revenue_split_commit rows end with paid_cents, owed_cents');
SELECT is(pg_get_function_result('revenue_split_run(bigint, date, text)'::regprocedure),
    'TABLE(run_id bigint, status text, period_start date, period_end date, pool_cents bigint, creators integer, allocated_cents bigint, unallocated_cents bigint, total_units double precision, paid_cents bigint, owed_cents bigint)',
    'revenue_split_run rows end with paid_cents, owed_cents');
SELECT is(
    (SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) FROM information_schema.columns
      WHERE table_schema = 'revenue_split' AND table_name = 'balances'),
    'creator_id bigint, earned_cents bigint, paid_cents bigint, owed_cents bigint',
    'revenue_split.balances (creator_id, earned_cents, paid_cents, owed_cents), all bigint');
SELECT is(
    (SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_name) FROM information_schema.columns
      WHERE table_schema = 'revenue_split' AND table_name = 'config' AND column_name IN ('min_payout_cents', 'over_cap')),
    'min_payout_cents bigint, over_cap text',
    'revenue_split.config has min_payout_cents bigint and over_cap text');
INSERT INTO revenue_split.config DEFAULT VALUES ON CONFLICT (singleton) DO NOTHING;
SELECT results_eq($$SELECT min_payout_cents, over_cap FROM revenue_split.config$$,
    $$VALUES (0::bigint, 'redistribute'::text)$$, 'config defaults: min_payout_cents 0, over_cap redistribute');
SELECT throws_ok($$UPDATE revenue_split.config SET over_cap = 'keep'$$, NULL::char(5), NULL, 'config: over_cap outside redistribute|hold is refused');
SELECT throws_ok($$UPDATE revenue_split.config SET min_payout_cents = -1$$, NULL::char(5), NULL, 'config: a negative min_payout_cents is refused');

-- ==== defaults: paid = earned, nothing owed (January 2025) ====
-- 1 (KYC 1) and 2 (KYC 3): 50.5 units each, pool 8,000 -> 4,000 each (1's cap 5,000 not reached).
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, capped, paid_cents, owed_after_cents
        FROM revenue_split_preview(8000, 2025, 1) ORDER BY creator_id$$,
    $$VALUES (1::bigint, 50.5::numeric, 1, 5000::bigint, 4000::bigint, false, 4000::bigint, 0::bigint),
             (2, 50.5, 3, NULL, 4000, false, 4000, 0)$$,
    'defaults: the preview pays what is earned, owes nothing');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, period_start, period_end, pool_cents, creators, allocated_cents, unallocated_cents, round(total_units::numeric, 9),
             paid_cents, owed_cents FROM revenue_split_commit(8000, 2025, 1)$$,
    $$VALUES ('committed'::text, date '2025-01-01', date '2025-02-01', 8000::bigint, 2, 8000::bigint, 0::bigint, 101::numeric, 8000::bigint, 0::bigint)$$,
    'defaults: commit pays 8,000, owes 0');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type, status, direction FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (1::bigint, 4000, 'revenue_split_monthly', 'pending', 'inflow'), (2, 4000, 'revenue_split_monthly', 'pending', 'inflow')$$,
    'defaults: one inflow per creator, as in 0.2.0');
SELECT results_eq($$SELECT * FROM pg_temp.bal(1) UNION ALL SELECT * FROM pg_temp.bal(2)$$,
    $$VALUES (4000::bigint, 4000::bigint, 0::bigint), (4000, 4000, 0)$$,
    'defaults: balances earned 4,000 = paid 4,000, owed 0');

-- ==== over_cap = hold: the SPEC §9 example ====
UPDATE revenue_split.config SET over_cap = 'hold';
-- February 2025, pool 10,000: 11 (KYC 1) 50.5, 12 (KYC 3) 50.5 -> proportional 5,000 each;
-- 11's cap 5,000: payable min(5,000, 5,000 - 0) = 5,000 -> nothing held.
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, paid_cents, owed_after_cents
        FROM revenue_split_preview(10000, 2025, 2) ORDER BY creator_id$$,
    $$VALUES (11::bigint, 50.5::numeric, 1, 5000::bigint, 5000::bigint, 5000::bigint, 0::bigint),
             (12, 50.5, 3, NULL, 5000, 5000, 0)$$,
    'hold, pool 10,000: earned 5,000 each, paid 5,000 each, nothing held');
SELECT pg_temp.mark();
CREATE TEMP TABLE h_feb AS SELECT * FROM revenue_split_commit(10000, 2025, 2);
SELECT results_eq(
    $$SELECT status, pool_cents, creators, allocated_cents, unallocated_cents, paid_cents, owed_cents FROM h_feb$$,
    $$VALUES ('committed'::text, 10000::bigint, 2, 10000::bigint, 0::bigint, 10000::bigint, 0::bigint)$$,
    'hold, pool 10,000: committed, paid 10,000, owed 0');
SELECT results_eq(
    $$SELECT config->>'over_cap', config->>'min_payout_cents' FROM revenue_split.runs WHERE run_id = (SELECT run_id FROM h_feb)$$,
    $$VALUES ('hold'::text, '0'::text)$$,
    'hold: the run records the policies it used in runs.config');
-- March 2025, pool 20,000: earned 10,000 each; 11 paid min(10,000, 5,000) = 5,000, owes 5,000;
-- 12 (unlimited) paid 10,000. Σ paid 15,000, Σ owed 5,000, allocated (= Σ earned) 20,000.
SELECT results_eq(
    $$SELECT creator_id, amount_cents, paid_cents, owed_after_cents FROM revenue_split_preview(20000, 2025, 3) ORDER BY creator_id$$,
    $$VALUES (11::bigint, 10000::bigint, 5000::bigint, 5000::bigint), (12, 10000, 10000, 0)$$,
    'hold, pool 20,000: earned 10,000 each; the KYC 1 creator is paid its cap 5,000 and owes 5,000');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, pool_cents, creators, allocated_cents, unallocated_cents, paid_cents, owed_cents FROM revenue_split_commit(20000, 2025, 3)$$,
    $$VALUES ('committed'::text, 20000::bigint, 2, 20000::bigint, 0::bigint, 15000::bigint, 5000::bigint)$$,
    'hold, pool 20,000: Σ earned 20,000 (nothing unallocated), paid 15,000, owed 5,000');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type, direction FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (11::bigint, 5000, 'revenue_split_monthly', 'inflow'), (12, 10000, 'revenue_split_monthly', 'inflow')$$,
    'hold, pool 20,000: ledger rows of 5,000 (the cap) and 10,000');
-- 11: earned 5,000 + 10,000, paid 5,000 + 5,000; 12: earned = paid = 15,000
SELECT results_eq($$SELECT * FROM pg_temp.bal(11) UNION ALL SELECT * FROM pg_temp.bal(12)$$,
    $$VALUES (15000::bigint, 10000::bigint, 5000::bigint), (15000, 15000, 0)$$,
    'hold: balances 11 earned 15,000 paid 10,000 owed 5,000; 12 15,000/15,000/0');
-- April 2025, pool 4,000: earned 2,000 each. 11: owed 5,000 + 2,000 = 7,000, payable min(7,000, 5,000 - 0) = 5,000,
-- still owed 2,000. 12: paid 2,000. Σ paid 7,000, Σ owed 2,000.
SELECT results_eq(
    $$SELECT creator_id, amount_cents, paid_cents, owed_after_cents FROM revenue_split_preview(4000, 2025, 4) ORDER BY creator_id$$,
    $$VALUES (11::bigint, 2000::bigint, 5000::bigint, 2000::bigint), (12, 2000, 2000, 0)$$,
    'hold, next month: 11 earns 2,000 and is paid 5,000 (its cap), still owed 2,000');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, allocated_cents, unallocated_cents, paid_cents, owed_cents FROM revenue_split_commit(4000, 2025, 4)$$,
    $$VALUES ('committed'::text, 4000::bigint, 0::bigint, 7000::bigint, 2000::bigint)$$,
    'hold, next month: allocated 4,000, paid 7,000, owed 2,000');
SELECT results_eq(
    $$SELECT recipient, amount_cents FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (11::bigint, 5000), (12, 2000)$$,
    'hold, next month: one row of 5,000 to 11 (more than it earned this month), 2,000 to 12');
SELECT results_eq($$SELECT * FROM pg_temp.bal(11)$$, $$VALUES (17000::bigint, 15000::bigint, 2000::bigint)$$,
    'hold: 11 earned 17,000, paid 15,000, owed 2,000');
-- 11's KYC becomes 3 (unlimited). Daily run 2025-05-10, pool 1,000: only 12 has units (10.1) -> earns 1,000.
-- 11 takes part through what it is owed: units 0, amount 0, payable min(2,000, unlimited) = 2,000.
UPDATE public.users SET kyc_level = 3 WHERE id = 11;
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, paid_cents, owed_after_cents
        FROM revenue_split_preview_day(1000, '2025-05-10') ORDER BY creator_id$$,
    $$VALUES (11::bigint, 0::numeric, 3, NULL::bigint, 0::bigint, 2000::bigint, 0::bigint),
             (12, 10.1, 3, NULL, 1000, 1000, 0)$$,
    'hold, after KYC 3: the daily preview lists 11 through its owed money (units 0, amount 0, paid 2,000)');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, period_start, period_end, pool_cents, creators, allocated_cents, unallocated_cents, round(total_units::numeric, 9),
             paid_cents, owed_cents FROM revenue_split_run(1000, '2025-05-10')$$,
    $$VALUES ('committed'::text, date '2025-05-10', date '2025-05-11', 1000::bigint, 1, 1000::bigint, 0::bigint, 10.1::numeric,
              3000::bigint, 0::bigint)$$,
    'hold, after KYC 3: the next run (a daily one) pays 11 everything owed: paid 3,000, owed 0');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type, status, direction FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (11::bigint, 2000, 'revenue_split', 'pending', 'inflow'), (12, 1000, 'revenue_split', 'pending', 'inflow')$$,
    'hold, after KYC 3: the owed 2,000 is one row of the daily run''s payment type');
SELECT results_eq($$SELECT * FROM pg_temp.bal(11) UNION ALL SELECT * FROM pg_temp.bal(12)$$,
    $$VALUES (17000::bigint, 17000::bigint, 0::bigint), (18000, 18000, 0)$$,
    'hold: 11 17,000/17,000/0; 12 15,000 + 2,000 + 1,000 = 18,000 earned and paid');

-- ==== hold: largest remainder, cap 0 holds everything ====
-- 2025-06-10, pool 100: 11, 12, 13 10.1 units each -> 33.33 each -> floors 33, 33, 33, the cent to the
-- smallest id: 34 (11), 33 (12), 33 (13). 13 is KYC 0 (cap 0): earns 33, paid 0, owes 33.
-- Redistribute would give 13 nothing: 50, 50, 0.
UPDATE revenue_split.config SET over_cap = 'redistribute';
SELECT results_eq(
    $$SELECT creator_id, amount_cents, capped, paid_cents, owed_after_cents FROM revenue_split_preview_day(100, '2025-06-10') ORDER BY creator_id$$,
    $$VALUES (11::bigint, 50::bigint, false, 50::bigint, 0::bigint), (12, 50, false, 50, 0), (13, 0, true, 0, 0)$$,
    'redistribute (for contrast): 50, 50, and 0 for the cap-0 creator');
UPDATE revenue_split.config SET over_cap = 'hold';
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, paid_cents, owed_after_cents
        FROM revenue_split_preview_day(100, '2025-06-10') ORDER BY creator_id$$,
    $$VALUES (11::bigint, 10.1::numeric, 3, NULL::bigint, 34::bigint, 34::bigint, 0::bigint),
             (12, 10.1, 3, NULL, 33, 33, 0),
             (13, 10.1, 0, 0, 33, 0, 33)$$,
    'hold: 34, 33, 33 by largest remainder (tie to the smallest id); the cap-0 creator earns 33, is paid 0, owes 33');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, creators, allocated_cents, unallocated_cents, paid_cents, owed_cents FROM revenue_split_run(100, '2025-06-10')$$,
    $$VALUES ('committed'::text, 3, 100::bigint, 0::bigint, 67::bigint, 33::bigint)$$,
    'hold: allocated 100 (nothing unallocated), paid 34 + 33 = 67, owed 33');
SELECT results_eq(
    $$SELECT recipient, amount_cents FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (11::bigint, 34), (12, 33)$$,
    'hold: no ledger row for the cap-0 creator');
SELECT results_eq($$SELECT * FROM pg_temp.bal(13)$$, $$VALUES (33::bigint, 0::bigint, 33::bigint)$$,
    'hold: 13 earned 33, paid 0, owed 33');

-- ==== a likely_bot creator takes no part in any payment step ====
-- 13 becomes a bot and KYC 1 (cap 5,000). 2025-06-11, pool 200: 13's own views count 0 (bot);
-- 11 and 12 10.1 each -> 100 each. 13's owed 33 stays owed although its cap would allow it.
UPDATE public.users SET likely_bot = true, kyc_level = 1 WHERE id = 13;
SELECT results_eq(
    $$SELECT creator_id, amount_cents, paid_cents, owed_after_cents FROM revenue_split_preview_day(200, '2025-06-11')
       WHERE creator_id <> 13 ORDER BY creator_id$$,
    $$VALUES (11::bigint, 100::bigint, 100::bigint, 0::bigint), (12, 100, 100, 0)$$,
    'bot owed money: the others are paid as usual');
SELECT is((SELECT coalesce(sum(paid_cents), 0) + coalesce(sum(amount_cents), 0) FROM revenue_split_preview_day(200, '2025-06-11') WHERE creator_id = 13),
    0::numeric, 'bot owed money: the preview pays it nothing and gives it no amount');
SELECT is((SELECT count(*) FROM revenue_split_preview_day(200, '2025-06-11') WHERE creator_id = 13), 0::bigint,
    'bot owed money: a bot takes no part in the payment step, so the preview does not list it');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, creators, allocated_cents, unallocated_cents, paid_cents, owed_cents FROM revenue_split_run(200, '2025-06-11')$$,
    $$VALUES ('committed'::text, 2, 200::bigint, 0::bigint, 200::bigint, 33::bigint)$$,
    'bot owed money: the run pays 200 to the two others only; owed_cents counts the bot''s held 33');
SELECT results_eq(
    $$SELECT recipient, amount_cents FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (11::bigint, 100), (12, 100)$$,
    'bot owed money: no ledger row for the bot');
SELECT results_eq($$SELECT * FROM pg_temp.bal(13)$$, $$VALUES (33::bigint, 0::bigint, 33::bigint)$$,
    'bot owed money: still owed 33');
-- The flag is cleared. 2025-06-12, pool 50: only 12 (10.1) -> 50. 13 (KYC 1, cap 5,000) takes part through
-- its owed 33: payable min(33, 5,000 - 0) = 33 >= min_payout 0 -> paid.
UPDATE public.users SET likely_bot = false WHERE id = 13;
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, paid_cents, owed_after_cents
        FROM revenue_split_preview_day(50, '2025-06-12') ORDER BY creator_id$$,
    $$VALUES (12::bigint, 10.1::numeric, 3, NULL::bigint, 50::bigint, 50::bigint, 0::bigint),
             (13, 0, 1, 5000, 0, 33, 0)$$,
    'flag cleared: the preview pays 13 its owed 33');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, creators, allocated_cents, paid_cents, owed_cents FROM revenue_split_run(50, '2025-06-12')$$,
    $$VALUES ('committed'::text, 1, 50::bigint, 83::bigint, 0::bigint)$$,
    'flag cleared: the next run pays 50 + 33 = 83, owes 0');
SELECT results_eq(
    $$SELECT recipient, amount_cents FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (12::bigint, 50), (13, 33)$$,
    'flag cleared: 13 gets one row of 33');
-- 11: 17,000 + 34 + 100 = 17,134; 12: 18,000 + 33 + 100 + 50 = 18,183; 13: 33
SELECT results_eq($$SELECT * FROM pg_temp.bal(11) UNION ALL SELECT * FROM pg_temp.bal(12) UNION ALL SELECT * FROM pg_temp.bal(13)$$,
    $$VALUES (17134::bigint, 17134::bigint, 0::bigint), (18183, 18183, 0), (33, 33, 0)$$,
    'hold section ends with nothing owed: 17,134 / 18,183 / 33 earned and paid');

-- ==== min_payout_cents = 1,000 (over_cap back to redistribute): the SPEC §9 example ====
UPDATE revenue_split.config SET over_cap = 'redistribute', min_payout_cents = 1000;
-- July 2024, pool 4,000: 21 10.1, 22 90.9 (U = 101) -> 400 and 3,600. 21: 400 < 1,000 -> paid 0, owed 400.
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, capped, paid_cents, owed_after_cents
        FROM revenue_split_preview(4000, 2024, 7) ORDER BY creator_id$$,
    $$VALUES (21::bigint, 10.1::numeric, 3, NULL::bigint, 400::bigint, false, 0::bigint, 400::bigint),
             (22, 90.9, 3, NULL, 3600, false, 3600, 0)$$,
    'min payout 1,000, July: C earns 400 and is paid 0 (owed 400); 3,600 is paid');
SELECT pg_temp.mark();
CREATE TEMP TABLE m_jul AS SELECT * FROM revenue_split_commit(4000, 2024, 7);
SELECT results_eq(
    $$SELECT status, period_start, period_end, pool_cents, creators, allocated_cents, unallocated_cents, paid_cents, owed_cents FROM m_jul$$,
    $$VALUES ('committed'::text, date '2024-07-01', date '2024-08-01', 4000::bigint, 2, 4000::bigint, 0::bigint, 3600::bigint, 400::bigint)$$,
    'min payout, July: allocated (earned) 4,000, paid 3,600, owed 400; creators counts both earners');
SELECT is((SELECT config->>'min_payout_cents' FROM revenue_split.runs WHERE run_id = (SELECT run_id FROM m_jul)), '1000',
    'min payout: the run records min_payout_cents 1000');
SELECT results_eq(
    $$SELECT recipient, amount_cents FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (22::bigint, 3600)$$,
    'min payout, July: no ledger row for the 400');
SELECT results_eq($$SELECT * FROM pg_temp.bal(21)$$, $$VALUES (400::bigint, 0::bigint, 400::bigint)$$,
    'min payout, July: 21 earned 400, paid 0, owed 400');
-- August 2024, pool 1,400: 21 and 22 10.1 each -> 700 each. 21: owed 400 + 700 = 1,100 >= 1,000 -> paid 1,100.
-- 22: 700 < 1,000 -> paid 0, owed 700.
SELECT results_eq(
    $$SELECT creator_id, amount_cents, paid_cents, owed_after_cents FROM revenue_split_preview(1400, 2024, 8) ORDER BY creator_id$$,
    $$VALUES (21::bigint, 700::bigint, 1100::bigint, 0::bigint), (22, 700, 0, 700)$$,
    'min payout, August: C earns 700 and is paid 1,100; the other earns 700 below the threshold');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, creators, allocated_cents, paid_cents, owed_cents FROM revenue_split_commit(1400, 2024, 8)$$,
    $$VALUES ('committed'::text, 2, 1400::bigint, 1100::bigint, 700::bigint)$$,
    'min payout, August: paid 1,100, owed 700');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (21::bigint, 1100, 'revenue_split_monthly')$$,
    'min payout, August: the 1,100 is paid in one row');
SELECT results_eq($$SELECT count(*), sum(amount_cents) FROM public.transactions WHERE recipient = 21$$,
    $$VALUES (1::bigint, 1100::bigint)$$, 'min payout: 21 has exactly one ledger row, 1,100');
-- 2024-09-10 (daily), pool 200: only 22 -> earns 200; owed 700 + 200 = 900 < 1,000 -> paid 0.
SELECT results_eq(
    $$SELECT creator_id, amount_cents, capped, paid_cents, owed_after_cents FROM revenue_split_preview_day(200, '2024-09-10')$$,
    $$VALUES (22::bigint, 200::bigint, false, 0::bigint, 900::bigint)$$,
    'min payout, daily: owed 900 is still below the threshold');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, creators, allocated_cents, paid_cents, owed_cents FROM revenue_split_run(200, '2024-09-10')$$,
    $$VALUES ('committed'::text, 1, 200::bigint, 0::bigint, 900::bigint)$$,
    'min payout, daily: committed, paid 0, owed 900');
SELECT is((SELECT count(*) FROM public.transactions WHERE id > (SELECT m FROM tx_mark)), 0::bigint,
    'min payout, daily: a run that pays nobody writes no ledger row');
-- 2024-09-11, pool 100: 22 earns 100; owed 900 + 100 = 1,000 >= 1,000 (the threshold itself pays) -> paid 1,000.
SELECT results_eq(
    $$SELECT creator_id, amount_cents, paid_cents, owed_after_cents FROM revenue_split_preview_day(100, '2024-09-11')$$,
    $$VALUES (22::bigint, 100::bigint, 1000::bigint, 0::bigint)$$,
    'min payout: owed reaching exactly 1,000 is paid');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, allocated_cents, paid_cents, owed_cents FROM revenue_split_run(100, '2024-09-11')$$,
    $$VALUES ('committed'::text, 100::bigint, 1000::bigint, 0::bigint)$$,
    'min payout: the first run that reaches the threshold pays 1,000');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type FROM public.transactions WHERE id > (SELECT m FROM tx_mark)$$,
    $$VALUES (22::bigint, 1000, 'revenue_split')$$,
    'min payout: in one row of that run''s payment type');

-- ==== min payout with caps (redistribute): the cap limits what a run key pays ====
-- October 2024, pool 3,000: 23 10.1 (KYC 1), 22 80.8, 24 10.1 (U = 101) -> 300, 2,400, 300.
-- 23 and 24: 300 < 1,000 -> owed 300 each; 22 paid 2,400.
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, capped, paid_cents, owed_after_cents
        FROM revenue_split_preview(3000, 2024, 10) ORDER BY creator_id$$,
    $$VALUES (22::bigint, 80.8::numeric, 3, NULL::bigint, 2400::bigint, false, 2400::bigint, 0::bigint),
             (23, 10.1, 1, 5000, 300, false, 0, 300),
             (24, 10.1, 3, NULL, 300, false, 0, 300)$$,
    'min payout, October: 300 and 300 stay owed, 2,400 is paid');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, creators, allocated_cents, unallocated_cents, paid_cents, owed_cents FROM revenue_split_commit(3000, 2024, 10)$$,
    $$VALUES ('committed'::text, 3, 3000::bigint, 0::bigint, 2400::bigint, 600::bigint)$$,
    'min payout, October: paid 2,400, owed 600');
-- 24 becomes a bot while it is owed 300.
UPDATE public.users SET likely_bot = true WHERE id = 24;
-- November 2024, pool 12,000: 23 50.5 (KYC 1), 22 50.5 -> 6,000 each -> 23 capped at 5,000, 22 7,000.
-- 23: owed 300 + 5,000 = 5,300, payable min(5,300, 5,000 - 0) = 5,000 >= 1,000 -> paid 5,000, still owed 300.
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, capped, paid_cents, owed_after_cents
        FROM revenue_split_preview(12000, 2024, 11) WHERE creator_id <> 24 ORDER BY creator_id$$,
    $$VALUES (22::bigint, 50.5::numeric, 3, NULL::bigint, 7000::bigint, false, 7000::bigint, 0::bigint),
             (23, 50.5, 1, 5000, 5000, true, 5000, 300)$$,
    'min payout + cap: the KYC 1 creator owed 5,300 is paid its cap 5,000 and still owes 300');
SELECT is((SELECT coalesce(sum(paid_cents), 0) FROM revenue_split_preview(12000, 2024, 11) WHERE creator_id = 24), 0::numeric,
    'min payout, November: the bot owed 300 is paid nothing');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, creators, allocated_cents, unallocated_cents, paid_cents, owed_cents FROM revenue_split_commit(12000, 2024, 11)$$,
    $$VALUES ('committed'::text, 2, 12000::bigint, 0::bigint, 12000::bigint, 600::bigint)$$,
    'min payout, November: allocated 12,000, paid 12,000; owed 300 (23) + 300 (the bot)');
SELECT results_eq(
    $$SELECT recipient, amount_cents FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (22::bigint, 7000), (23, 5000)$$,
    'min payout, November: no run key pays 23 more than its cap; nothing to the bot');
SELECT results_eq($$SELECT * FROM pg_temp.bal(23) UNION ALL SELECT * FROM pg_temp.bal(24)$$,
    $$VALUES (5300::bigint, 5000::bigint, 300::bigint), (300, 0, 300)$$,
    'min payout, November: 23 5,300/5,000/300; the bot 300/0/300');
-- The threshold goes back to 0. 2024-12-10, pool 100: 22 earns 100. 23 takes part through its owed 300
-- (payable min(300, 5,000) = 300); the bot does not.
UPDATE revenue_split.config SET min_payout_cents = 0;
-- 2024-12-05 has no events (U = 0): a run writes nothing and runs no payment step (§6.3), so the
-- owed 300 of 23, payable now, is not paid; its preview must say so by listing no one.
SELECT is_empty($$SELECT * FROM revenue_split_preview_day(100, '2024-12-05')$$,
    'no units: the preview lists no one, although 23 is owed 300 it could be paid');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT run_id, status, creators, allocated_cents, unallocated_cents, paid_cents, owed_cents
        FROM revenue_split_run(100, '2024-12-05')$$,
    $$VALUES (NULL::bigint, 'no_units'::text, 0, 0::bigint, 100::bigint, 0::bigint, 600::bigint)$$,
    'no units: no_units, nothing paid; owed_cents = what is owed now (300 + the bot''s 300)');
SELECT is_empty($$SELECT * FROM public.transactions WHERE id > (SELECT m FROM tx_mark)$$,
    'no units: no ledger row');
SELECT is_empty($$SELECT * FROM revenue_split_preview(100, 2023, 1)$$,
    'no units: a month with no events previews as no rows as well');
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, paid_cents, owed_after_cents
        FROM revenue_split_preview_day(100, '2024-12-10') WHERE creator_id <> 24 ORDER BY creator_id$$,
    $$VALUES (22::bigint, 10.1::numeric, 3, NULL::bigint, 100::bigint, 100::bigint, 0::bigint),
             (23, 0, 1, 5000, 0, 300, 0)$$,
    'threshold 0: the owed 300 of 23 is released by a daily run');
SELECT is((SELECT coalesce(sum(paid_cents), 0) FROM revenue_split_preview_day(100, '2024-12-10') WHERE creator_id = 24), 0::numeric,
    'threshold 0: the bot is still paid nothing');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, creators, allocated_cents, paid_cents FROM revenue_split_run(100, '2024-12-10')$$,
    $$VALUES ('committed'::text, 1, 100::bigint, 400::bigint)$$,
    'threshold 0: the daily run pays 100 + 300');
SELECT results_eq(
    $$SELECT recipient, amount_cents FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (22::bigint, 100), (23, 300)$$,
    'threshold 0: rows 100 and 300, none for the bot');
SELECT results_eq($$SELECT * FROM pg_temp.bal(24)$$, $$VALUES (300::bigint, 0::bigint, 300::bigint)$$,
    'the bot is still owed 300 (a hold)');
-- The flag is cleared. 2024-12-11, pool 100: 22 earns 100; 24 (KYC 3) is paid its owed 300.
UPDATE public.users SET likely_bot = false WHERE id = 24;
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, paid_cents, owed_after_cents
        FROM revenue_split_preview_day(100, '2024-12-11') ORDER BY creator_id$$,
    $$VALUES (22::bigint, 10.1::numeric, 3, NULL::bigint, 100::bigint, 100::bigint, 0::bigint),
             (24, 0, 3, NULL, 0, 300, 0)$$,
    'flag cleared: the preview pays 24 its owed 300');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, creators, allocated_cents, paid_cents, owed_cents FROM revenue_split_run(100, '2024-12-11')$$,
    $$VALUES ('committed'::text, 1, 100::bigint, 400::bigint, 0::bigint)$$,
    'flag cleared: paid 400, owed 0');
SELECT results_eq(
    $$SELECT recipient, amount_cents FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (22::bigint, 100), (24, 300)$$,
    'flag cleared: 24 gets one row of 300');

-- ==== a repeated run still skips, paying nobody again ====
SELECT pg_temp.mark();
SELECT results_eq($$SELECT status FROM revenue_split_run(100, '2024-12-11')$$,
    $$VALUES ('skipped'::text)$$, 'the same daily run again: skipped');
SELECT is((SELECT count(*) FROM public.transactions WHERE id > (SELECT m FROM tx_mark)), 0::bigint,
    'the skipped run wrote no ledger row');

-- ==== the balances and their invariants ====
-- 1: 4,000. 2: 4,000. 11: 17,134. 12: 18,183. 13: 33. 21: 400 + 700 = 1,100.
-- 22: 3,600 + 700 + 200 + 100 + 2,400 + 7,000 + 100 + 100 = 14,200 (paid 3,600 + 1,000 + 2,400 + 7,000 + 100 + 100).
-- 23: 300 + 5,000 = 5,300 (paid 5,000 + 300). 24: 300 (paid 300). Everything paid: owed 0.
SELECT results_eq(
    $$SELECT creator_id, earned_cents, paid_cents, owed_cents FROM revenue_split.balances
       WHERE earned_cents <> 0 OR paid_cents <> 0 OR owed_cents <> 0 ORDER BY creator_id$$,
    $$VALUES (1::bigint, 4000::bigint, 4000::bigint, 0::bigint), (2, 4000, 4000, 0), (11, 17134, 17134, 0), (12, 18183, 18183, 0),
             (13, 33, 33, 0), (21, 1100, 1100, 0), (22, 14200, 14200, 0), (23, 5300, 5300, 0), (24, 300, 300, 0)$$,
    'balances at the end: every creator earned = paid, nothing owed');
SELECT is_empty($$SELECT * FROM revenue_split.balances WHERE earned_cents <> paid_cents + owed_cents$$,
    'invariant: earned = paid + owed for every creator');
SELECT is_empty(
    $$SELECT coalesce(b.creator_id, t.recipient) FROM revenue_split.balances b
        FULL JOIN (SELECT recipient, sum(CASE direction WHEN 'inflow' THEN amount_cents ELSE -amount_cents END) AS s
                     FROM public.transactions GROUP BY recipient) t ON t.recipient = b.creator_id
       WHERE coalesce(b.paid_cents, 0) <> coalesce(t.s, 0)$$,
    'invariant: Σ signed transactions rows = paid_cents, per creator');
SELECT is_empty(
    $$SELECT u.id FROM public.users u
        LEFT JOIN (SELECT recipient, sum(CASE direction WHEN 'inflow' THEN amount_cents ELSE -amount_cents END) AS s
                     FROM public.transactions GROUP BY recipient) t ON t.recipient = u.id
       WHERE u.current_balance <> coalesce(t.s, 0)$$,
    'every current_balance (initially 0) = Σ of its signed ledger rows');
-- runs: Jan 8,000 + Feb 10,000 + Mar 20,000 + Apr 4,000 + 05-10 1,000 + 06-10 100 + 06-11 200 + 06-12 50
--     + Jul 4,000 + Aug 1,400 + 09-10 200 + 09-11 100 + Oct 3,000 + Nov 12,000 + 12-10 100 + 12-11 100 = 64,250
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs), (SELECT sum(allocated_cents) FROM revenue_split.runs),
             (SELECT sum(earned_cents) FROM revenue_split.balances), (SELECT sum(amount_cents) FROM public.transactions)$$,
    $$VALUES (16::bigint, 64250::numeric, 64250::numeric, 64250::bigint)$$,
    '16 runs; Σ allocated = Σ earned = Σ ledger rows = 64,250');

SELECT * FROM finish();
ROLLBACK;

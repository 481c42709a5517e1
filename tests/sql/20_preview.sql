-- Scenario group: previews (SPEC §5, §7, §8): revenue_split_preview (monthly) and
-- revenue_split_preview_day (daily): capped water-filling, KYC caps, cents by largest remainder,
-- creators without a users row, bots, the default month, monthly units = Σ daily units, pool 0
-- and the largest pool, and that a preview writes nothing.
--
-- Every creator-day is "simple": one video, views only, every view with its own device and IP,
-- created_at NULL. Hence for every video: raw = views, ER = 0 for the whole cohort (sigma 0 ->
-- quality 1), early 1.0, cluster top_share = 1/views <= 0.20 (views >= 10) -> 1.0; for every
-- creator: uniq_dev = uniq_ip = views over the 7-day window, likes + comments 0
--   -> score = (1 + 1 + 0)/3 = 2/3 -> integrity = 0.97 + 0.06 * 2/3 = 1.01; trust NULL -> 1.0.
-- So units(c, D) = 1.01 * views(c, D) (I := 1.01 below; all creators share the same I).
--
--   users (balance 0, trust NULL):  1 KYC 1 (A) | 2 KYC 3 (B) | 3 KYC 0 (C) | 4, 5, 6 KYC 3
--                                  7 KYC NULL | 8 KYC -1 | 9 KYC 2 | 10 KYC 5 | 11 KYC 3 likely_bot
--                                  creator 99 has NO users row
--   videos: 11 -> 1, 21 -> 2, 31 -> 3, 41 and 42 -> 4, 51 -> 5, 61 -> 6, 71 -> 7, 81 -> 8,
--           91 -> 9, 101 -> 10, 111 -> 11 (bot), 991 -> 99, 12 -> 1 (previous-month video)
--   2025-03-10: 11: 50 views, 21: 30, 31: 20            (SPEC §5 example A/B/C)
--   2025-03-11: 41, 51, 61: 10 views each               (three equal creators)
--   2025-03-12: 42: 20 views; 71, 81, 91, 101, 991, 111: 10 views each
--   previous calendar month of now() (UTC), day 5: 12: 10 views (default month)
--   the edges of the accepted years: 13 -> 1: 10 views on 0001-01-01 and 10 on 0001-01-07,
--                                    14 -> 1: 10 views on 9999-12-31
BEGIN;
SELECT plan(44);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 1, NULL, false), (2, 0, 3, NULL, false), (3, 0, 0, NULL, false),
    (4, 0, 3, NULL, false), (5, 0, 3, NULL, false), (6, 0, 3, NULL, false),
    (7, 0, NULL, NULL, false), (8, 0, -1, NULL, false), (9, 0, 2, NULL, false),
    (10, 0, 5, NULL, false), (11, 0, 3, NULL, true);
INSERT INTO public.videos (id, creator_id, created_at) VALUES
    (11, 1, NULL), (12, 1, NULL), (13, 1, NULL), (14, 1, NULL), (21, 2, NULL), (31, 3, NULL), (41, 4, NULL), (42, 4, NULL),
    (51, 5, NULL), (61, 6, NULL), (71, 7, NULL), (81, 8, NULL), (91, 9, NULL), (101, 10, NULL),
    (111, 11, NULL), (991, 99, NULL);

INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT x.v, 'view', x.d::timestamp AT TIME ZONE 'UTC' + interval '10 hours' + g * interval '1 minute',
       'd' || x.v || '-' || x.d || '-' || g, 'i' || x.v || '-' || x.d || '-' || g
FROM (VALUES (11, date '2025-03-10', 50), (21, '2025-03-10', 30), (31, '2025-03-10', 20),
             (41, '2025-03-11', 10), (51, '2025-03-11', 10), (61, '2025-03-11', 10),
             (42, '2025-03-12', 20), (71, '2025-03-12', 10), (81, '2025-03-12', 10), (91, '2025-03-12', 10),
             (101, '2025-03-12', 10), (991, '2025-03-12', 10), (111, '2025-03-12', 10),
             (13, '0001-01-01', 10), (13, '0001-01-07', 10), (14, '9999-12-31', 10),
             (12, (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month' + interval '4 days')::date, 10)
     ) AS x(v, d, n),
     generate_series(1, x.n) g;

-- ---- the contract of the columns (SPEC §8) ----
SELECT is(pg_get_function_result('revenue_split_preview(bigint, int, int)'::regprocedure),
    'TABLE(creator_id bigint, units double precision, kyc_level integer, cap_cents bigint, amount_cents bigint, capped boolean, paid_cents bigint, owed_after_cents bigint)',
    'revenue_split_preview returns the §8 columns, then §9''s paid_cents and owed_after_cents');
SELECT is(pg_get_function_result('revenue_split_preview_day(bigint, date)'::regprocedure),
    'TABLE(creator_id bigint, units double precision, kyc_level integer, cap_cents bigint, amount_cents bigint, capped boolean, paid_cents bigint, owed_after_cents bigint)',
    'revenue_split_preview_day returns the §8 columns, then §9''s paid_cents and owed_after_cents');

-- ---- daily previews ----

-- Sanity of the fixture: the units the hand computation relies on.
-- 2025-03-12: 4: I*20 = 20.2; 7, 8, 9, 10, 99: I*10 = 10.1; bot 11: excluded, units 0, integrity 1.01
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), round(integrity_mult::numeric, 9), round(trust_mult::numeric, 9), excluded
        FROM revenue_split_units('2025-03-12') ORDER BY creator_id$$,
    $$VALUES (4::bigint, 20.2::numeric, 1.01::numeric, 1::numeric, false), (7, 10.1, 1.01, 1, false), (8, 10.1, 1.01, 1, false),
             (9, 10.1, 1.01, 1, false), (10, 10.1, 1.01, 1, false), (11, 0, 1.01, 1, true), (99, 10.1, 1.01, 1, false)$$,
    'fixture: 2025-03-12 creator units are 1.01 * views; the bot is listed with 0 units');

-- SPEC §5 example 1 (2025-03-10, pool 10,000): A 50.5 (KYC 1, cap 5,000), B 30.3 (KYC 3), C 20.2 (KYC 0, cap 0)
--   C: cap 0 -> capped, 0.  The rest 10,000 over A + B (80.8): A 10,000 * 50.5/80.8 = 6,250 > 5,000
--   -> A capped at 5,000; B gets the remaining 5,000 (unlimited, never capped). Σ = 10,000.
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, capped
        FROM revenue_split_preview_day(10000, '2025-03-10') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 50.5::numeric, 1, 5000::bigint, 5000::bigint, true),
             (2, 30.3, 3, NULL, 5000, false),
             (3, 20.2, 0, 0, 0, true)$$,
    'SPEC §5 example: pool 10,000 -> A 5,000 (capped), B 5,000, C 0 (cap 0, capped)');

-- SPEC §5 example 2: the same with pool 12,000 and B at KYC 1 -> A 5,000, B 5,000 (both capped:
--   A 12,000 * 50.5/80.8 = 7,500 > 5,000; then B gets 7,000 > 5,000), C 0; Σ 10,000, unallocated 2,000.
UPDATE public.users SET kyc_level = 1 WHERE id = 2;
SELECT results_eq(
    $$SELECT creator_id, kyc_level, cap_cents, amount_cents, capped
        FROM revenue_split_preview_day(12000, '2025-03-10') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 1, 5000::bigint, 5000::bigint, true), (2, 1, 5000, 5000, true), (3, 0, 0, 0, true)$$,
    'SPEC §5 example: pool 12,000 with B at KYC 1 -> A 5,000, B 5,000, C 0 (every creator at its cap)');
SELECT is((SELECT 12000 - sum(amount_cents) FROM revenue_split_preview_day(12000, '2025-03-10')), 2000::numeric,
    'SPEC §5 example: pool 12,000 with B at KYC 1 leaves 2,000 unallocated');
UPDATE public.users SET kyc_level = 3 WHERE id = 2;

-- SPEC §5 example 3 (2025-03-11, pool 100): 4, 5, 6 with 10.1 units each, KYC 3
--   100/3 = 33.33 each; floors 33 * 3 = 99; the leftover cent: equal remainders -> smallest id (4).
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, capped
        FROM revenue_split_preview_day(100, '2025-03-11') ORDER BY creator_id$$,
    $$VALUES (4::bigint, 10.1::numeric, 3, NULL::bigint, 34::bigint, false), (5, 10.1, 3, NULL, 33, false), (6, 10.1, 3, NULL, 33, false)$$,
    'SPEC §5 example: pool 100 among three equal creators -> 34, 33, 33 (smallest id gets the cent)');

-- 2025-03-12, pool 1,000,000 (every KYC shape; weights in I*10 units: 4: 2, 7, 8, 9, 10, 99: 1 each):
--   7 (KYC NULL), 8 (KYC -1), 99 (no users row, kyc_level NULL): cap 0 -> capped, 0
--   the rest 1,000,000 over 4 + 9 + 10 (weight 4): 250,000 per weight; 9 (KYC 2, cap 50,000):
--   250,000 > 50,000 -> capped at 50,000; 950,000 over 4 (2) and 10 (1):
--   4: 633,333.33, 10: 316,666.67 -> floors 633,333 + 316,666 = 949,999; the leftover cent goes
--   to the larger remainder (.67, creator 10) -> 316,667. 10 (KYC 5 >= 3): cap NULL, not capped.
--   Σ = 633,333 + 50,000 + 316,667 = 1,000,000. The bot 11 is absent.
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), kyc_level, cap_cents, amount_cents, capped
        FROM revenue_split_preview_day(1000000, '2025-03-12') ORDER BY creator_id$$,
    $$VALUES (4::bigint, 20.2::numeric, 3, NULL::bigint, 633333::bigint, false),
             (7, 10.1, NULL, 0, 0, true),
             (8, 10.1, -1, 0, 0, true),
             (9, 10.1, 2, 50000, 50000, true),
             (10, 10.1, 5, NULL, 316667, false),
             (99, 10.1, NULL, 0, 0, true)$$,
    '2025-03-12: KYC NULL / -1 / no users row -> cap 0 capped; KYC 2 -> 50,000 capped; KYC 5 unlimited; no bot');
SELECT is_empty($$SELECT 1 FROM revenue_split_preview_day(1000000, '2025-03-12') WHERE creator_id = 11$$,
    'daily preview: the bot (likely_bot) never appears');

-- ---- monthly preview (March 2025) ----

-- Monthly units = Σ of the daily units (bot excluded, as it has 0 units every day):
--   1: 50.5, 2: 30.3, 3: 20.2, 4: 10.1 + 20.2 = 30.3, 5, 6, 7, 8, 9, 10, 99: 10.1
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9) FROM revenue_split_preview(100000, 2025, 3) ORDER BY creator_id$$,
    $$SELECT creator_id, round(sum(units)::numeric, 9)
        FROM generate_series(date '2025-03-01', date '2025-03-31', interval '1 day') d, revenue_split_units(d::date)
       GROUP BY creator_id HAVING sum(units) > 0 ORDER BY creator_id$$,
    'monthly preview units = Σ over the month of revenue_split_units');
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9) FROM revenue_split_preview(100000, 2025, 3) WHERE creator_id IN (1, 4) ORDER BY creator_id$$,
    $$VALUES (1::bigint, 50.5::numeric), (4, 30.3)$$,
    'monthly preview units by hand: 1 -> 50.5, 4 -> 10.1 + 20.2 = 30.3');

-- Pool 100,000; weights in I*10 units: 1: 5, 2: 3, 3: 2, 4: 3, 5, 6, 7, 8, 9, 10, 99: 1 (total 20)
--   cap 0: 3, 7, 8, 99 (weight 5) -> capped, 0. The rest 100,000 over weight 15 = 6,666.67 per weight:
--   1 (cap 5,000): 33,333.33 > 5,000 -> capped at 5,000. Then 95,000 over weight 10 = 9,500 per weight:
--   9 (cap 50,000): 9,500 <= 50,000 -> not capped. 2, 4: 28,500; 5, 6, 9, 10: 9,500.
--   Σ = 5,000 + 2 * 28,500 + 4 * 9,500 = 100,000.
SELECT results_eq(
    $$SELECT creator_id, kyc_level, cap_cents, amount_cents, capped FROM revenue_split_preview(100000, 2025, 3) ORDER BY creator_id$$,
    $$VALUES (1::bigint, 1, 5000::bigint, 5000::bigint, true),
             (2, 3, NULL, 28500, false),
             (3, 0, 0, 0, true),
             (4, 3, NULL, 28500, false),
             (5, 3, NULL, 9500, false),
             (6, 3, NULL, 9500, false),
             (7, NULL, 0, 0, true),
             (8, -1, 0, 0, true),
             (9, 2, 50000, 9500, false),
             (10, 5, NULL, 9500, false),
             (99, NULL, 0, 0, true)$$,
    'monthly preview, pool 100,000: water-filling by hand');
SELECT is_empty($$SELECT 1 FROM revenue_split_preview(100000, 2025, 3) WHERE creator_id = 11$$,
    'monthly preview: the bot (likely_bot) never appears');
SELECT results_eq(
    $$SELECT creator_id, amount_cents FROM revenue_split_preview(pool => 100000, year => 2025, month => 3) ORDER BY creator_id$$,
    $$SELECT creator_id, amount_cents FROM revenue_split_preview(100000, 2025, 3) ORDER BY creator_id$$,
    'monthly preview: arguments named pool, year, month');

-- Σ amount <= pool and 0 <= amount <= cap, on every preview above.
SELECT is_empty(
    $$SELECT pool, sum(amount_cents) FROM (
          SELECT 10000::bigint AS pool, * FROM revenue_split_preview_day(10000, '2025-03-10')
          UNION ALL SELECT 100, * FROM revenue_split_preview_day(100, '2025-03-11')
          UNION ALL SELECT 1000000, * FROM revenue_split_preview_day(1000000, '2025-03-12')
          UNION ALL SELECT 100000, * FROM revenue_split_preview(100000, 2025, 3)
          UNION ALL SELECT 7, * FROM revenue_split_preview(7, 2025, 3)
          UNION ALL SELECT 1234567, * FROM revenue_split_preview(1234567, 2025, 3)) p
      GROUP BY pool
      HAVING sum(amount_cents) > pool OR bool_or(amount_cents < 0 OR amount_cents > COALESCE(cap_cents, pool))$$,
    'every preview: Σ amount <= pool, 0 <= amount <= cap');
-- Whenever an unlimited creator is in E, the whole pool is allocated (Σ amount = pool).
SELECT results_eq(
    $$SELECT sum(amount_cents) FROM revenue_split_preview(1234567, 2025, 3)$$,
    $$VALUES (1234567::numeric)$$,
    'monthly preview, pool 1,234,567: Σ amount = pool (unlimited creators absorb the rest)');

-- Unlimited creators are never capped, whatever the pool; cap-0 creators always are.
SELECT is_empty(
    $$SELECT * FROM (SELECT * FROM revenue_split_preview(1, 2025, 3) UNION ALL SELECT * FROM revenue_split_preview(9223372036854775807, 2025, 3)
                     UNION ALL SELECT * FROM revenue_split_preview(0, 2025, 3)) p
       WHERE (cap_cents IS NULL AND capped) OR (cap_cents = 0 AND NOT capped) OR (capped AND amount_cents <> cap_cents)$$,
    'cap NULL -> never capped; cap 0 -> capped; capped -> amount = cap');

-- Pool 0: every creator of E listed, every amount 0.
SELECT results_eq(
    $$SELECT count(*), sum(amount_cents), count(*) FILTER (WHERE amount_cents = 0) FROM revenue_split_preview(0, 2025, 3)$$,
    $$VALUES (11::bigint, 0::numeric, 11::bigint)$$,
    'monthly preview, pool 0: 11 creators, all amounts 0');
SELECT results_eq(
    $$SELECT creator_id, amount_cents FROM revenue_split_preview_day(0, '2025-03-10') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 0::bigint), (2, 0), (3, 0)$$,
    'daily preview, pool 0: all amounts 0');

-- The largest pool (2^63 - 1): no error, capped creators at their caps, Σ amount = pool exactly
-- (unlimited creators 2, 4, 5, 6, 10 share pool - 55,000), so unallocated = 0.
SELECT results_eq(
    $$SELECT sum(amount_cents), sum(amount_cents) FILTER (WHERE creator_id IN (1, 9)), bool_and(amount_cents = 0) FILTER (WHERE cap_cents = 0)
        FROM revenue_split_preview(9223372036854775807, 2025, 3)$$,
    $$VALUES (9223372036854775807::numeric, 55000::numeric, true)$$,
    'monthly preview, pool 2^63-1: Σ amount = pool exactly; 1 -> 5,000, 9 -> 50,000, cap-0 -> 0');
-- Daily 2025-03-10: A 5,000 (cap), C 0, B the rest = 9,223,372,036,854,770,807.
SELECT results_eq(
    $$SELECT creator_id, amount_cents, capped FROM revenue_split_preview_day(9223372036854775807, '2025-03-10') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 5000::bigint, true), (2, 9223372036854770807, false), (3, 0, true)$$,
    'daily preview, pool 2^63-1: A 5,000, B = pool - 5,000, C 0');
-- The 2^63-1 pool among three equal creators: 3,074,457,345,618,258,602.33 each ->
--   floors 3 * 3,074,457,345,618,258,602 = 9,223,372,036,854,775,806; 1 leftover cent -> id 4.
SELECT results_eq(
    $$SELECT creator_id, amount_cents FROM revenue_split_preview_day(9223372036854775807, '2025-03-11') ORDER BY creator_id$$,
    $$VALUES (4::bigint, 3074457345618258603::bigint), (5, 3074457345618258602), (6, 3074457345618258602)$$,
    'daily preview, pool 2^63-1 among three equal creators: the leftover cent to the smallest id');

-- ---- the default month: year/month omitted = the previous calendar month (UTC) ----
SELECT results_eq(
    $$SELECT * FROM revenue_split_preview(5000)$$,
    format($$SELECT * FROM revenue_split_preview(5000, %s, %s)$$,
           extract(year FROM date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::int,
           extract(month FROM date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::int),
    'preview(pool) = preview(pool, year, month) of the previous calendar month (UTC)');
SELECT results_eq(
    $$SELECT * FROM revenue_split_preview(5000, NULL, NULL)$$,
    $$SELECT * FROM revenue_split_preview(5000)$$,
    'preview(pool, NULL, NULL) = preview(pool)');
-- Previous month: only creator 1 (video 12, 10 views -> 10.1 units, KYC 1): 5,000 > cap? 5,000 = cap,
--   so the pool of 5,000 goes to creator 1 entirely (λ·u = 5,000, not above the cap).
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), amount_cents FROM revenue_split_preview(5000)$$,
    $$VALUES (1::bigint, 10.1::numeric, 5000::bigint)$$,
    'default month preview: only the previous month''s events count');
-- Pool 8,000 for that month: the only creator is capped at 5,000 (3,000 would be unallocated).
SELECT results_eq(
    $$SELECT creator_id, amount_cents, capped FROM revenue_split_preview(8000)$$,
    $$VALUES (1::bigint, 5000::bigint, true)$$,
    'default month preview, pool 8,000: the only creator capped at 5,000');
-- The month of now() itself can be previewed (period in progress; no events -> no rows).
SELECT is_empty(
    format($$SELECT * FROM revenue_split_preview(5000, %s, %s)$$,
           extract(year FROM now() AT TIME ZONE 'UTC')::int, extract(month FROM now() AT TIME ZONE 'UTC')::int),
    'preview of the current month is allowed (no events: no rows)');
SELECT is_empty($$SELECT * FROM revenue_split_preview(5000, 2025, 2)$$,
    'preview of a month without events: no rows');
SELECT is_empty($$SELECT * FROM revenue_split_preview_day(5000, '2025-03-13')$$,
    'preview of a day without events: no rows');

-- ---- the first and the last accepted month / day (years 1 and 9999) ----
-- 0001-01-01: creator 1, 10 views -> 10.1 units (window [0000-12-26 = 1 BC, 0001-01-02) has only these views)
-- 0001-01-07: window [0001-01-01, 0001-01-08): views 20, uniq 20 / 20 -> integrity 1.01 -> 10.1
-- January of year 1: 10.1 + 10.1 = 20.2 -> the whole pool of 100 to creator 1 (cap 5,000).
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), amount_cents FROM revenue_split_preview_day(100, '0001-01-01')$$,
    $$VALUES (1::bigint, 10.1::numeric, 100::bigint)$$,
    'preview_day of 0001-01-01 (first accepted day): its events count');
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), amount_cents FROM revenue_split_preview(100, 1, 1)$$,
    $$VALUES (1::bigint, 20.2::numeric, 100::bigint)$$,
    'preview of January, year 1 (first accepted month): its events count');
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), amount_cents FROM revenue_split_preview(100, 9999, 12)$$,
    $$VALUES (1::bigint, 10.1::numeric, 100::bigint)$$,
    'preview of December 9999 (last accepted month): its events count');

-- ---- calling contexts ----
-- The functions return their rows in one tuplestore (materialize mode, src/api/srf.rs): in
-- FROM, in a select list, called again for each row of a lateral join (above), read by a
-- scrollable cursor and by PL/pgSQL, the rows are the same. 2025-03-11, pool 100: 4 -> 34, 5 -> 33, 6 -> 33.
SELECT results_eq(
    $$SELECT (r).creator_id, (r).amount_cents FROM (SELECT revenue_split_preview_day(100, '2025-03-11') AS r) s ORDER BY 1$$,
    $$VALUES (4::bigint, 34::bigint), (5, 33), (6, 33)$$,
    'in a select list, revenue_split_preview_day returns the same rows as in FROM');
SELECT is((SELECT count(*) FROM (SELECT revenue_split_units('2025-03-20')) s), 0::bigint,
    'in a select list, a day without events returns no row');
SELECT is((SELECT max(n) FROM revenue_split_preview_day(100, '2025-03-11') WITH ORDINALITY AS t(c, u, k, cap, a, capped, p, o, n)),
    3::bigint, 'WITH ORDINALITY numbers the rows');
DECLARE preview_rows SCROLL CURSOR FOR SELECT creator_id, amount_cents FROM revenue_split_preview_day(100, '2025-03-11');
MOVE LAST IN preview_rows;
MOVE BACKWARD 2 IN preview_rows;
SELECT results_eq('preview_rows'::refcursor, $$VALUES (5::bigint, 33::bigint), (6, 33)$$,
    'a scrollable cursor moves back over the rows');
CLOSE preview_rows;
CREATE FUNCTION pg_temp.paid_in_loop(pool bigint, day date) RETURNS bigint LANGUAGE plpgsql AS $f$
DECLARE r record; total bigint := 0;
BEGIN
    FOR r IN SELECT * FROM revenue_split_preview_day(pool, day) LOOP
        total := total + r.amount_cents;
    END LOOP;
    RETURN total;
END $f$;
SELECT is(pg_temp.paid_in_loop(100, '2025-03-11'), 100::bigint, 'a PL/pgSQL loop reads every row');
SELECT is((SELECT sum(amount_cents) FROM generate_series(10, 12) d,
                  revenue_split_preview_day(100, make_date(2025, 3, d::int))),
    300::numeric, 'called once a row of a lateral join, each call returns its own day');

-- ---- a preview writes nothing ----
SELECT is((SELECT count(*) FROM revenue_split.runs), 0::bigint, 'previews wrote no run');
SELECT is((SELECT count(*) FROM revenue_split.allocations), 0::bigint, 'previews wrote no allocation');
SELECT is((SELECT count(*) FROM public.transactions), 0::bigint, 'previews wrote no transaction');
SELECT results_eq(
    $$SELECT count(*), count(*) FILTER (WHERE current_balance = 0) FROM public.users$$,
    $$VALUES (11::bigint, 11::bigint)$$,
    'previews changed no balance');
SELECT is((SELECT provolatile::text FROM pg_proc WHERE oid = 'revenue_split_preview(bigint, int, int)'::regprocedure), 's',
    'revenue_split_preview is STABLE (cannot write)');
SELECT is((SELECT provolatile::text FROM pg_proc WHERE oid = 'revenue_split_preview_day(bigint, date)'::regprocedure), 's',
    'revenue_split_preview_day is STABLE (cannot write)');

SELECT * FROM finish();
ROLLBACK;

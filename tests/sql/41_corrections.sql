-- Scenario group: corrections (SPEC §9): revenue_split_correct / revenue_split_correct_day and their
-- previews revenue_split_preview_correction / _day. The bot farm found after payout (the SPEC
-- example), late events, deleted events, a KYC change, pool changes (and a pool-only change), a
-- second identical correction (`unchanged`), the configuration recorded by the original run, a
-- daily correction with its payment_type, and an enum `direction` without the label 'outflow'.
--
-- Every creator-day is "simple" (one video, views only, each view with its own device and IP,
-- created_at NULL): units(c, D) = 1.01 * views (quality 1, early 1, cluster 1, integrity 1.01,
-- trust 1). Default policies throughout (min_payout_cents 0, over_cap redistribute), and nobody is
-- owed anything before a correction, so every positive delta is paid at once in one inflow row and
-- every negative delta is clawed back at once in one outflow row:
--   credited_cents = Σ positive deltas = Σ inflow rows, debited_cents = Σ |negative deltas| = Σ outflows.
--
--   section           period (key)                   creators (users id, KYC)
--   enum direction    2025-02-10 daily revenue_split 91 (3), 92 (3)
--   bot farm          August 2025                    1 A (3), 2 B (3, balance 100)
--   late events       June 2025                      3 C (3), 4 D (3)
--   deleted events    May 2025                       5 E (3), 6 F (3), 7 G (3)
--   KYC change        April 2025                     8 H (0 -> 1), 9 I (3)
--   pool changes      March 2025                     10 J (1), 11 K (3)
--   pool-only change  2025-01-20 daily revenue_split 12 L (1)
--   recorded config   July 2025                      13 M (1), 14 N (3)
--   payment_type      2024-12-10 daily bonus + revenue_split   15 O (3), 16 P (3)
-- videos: 10 * creator + 1 -> creator (11 -> 1, 161 -> 16, 911 -> 91, 921 -> 92)
--
-- Readings of the SPEC used here (questions for the lead):
--   (a) credited_cents / debited_cents = Σ positive / Σ |negative| deltas (they equal the inflow /
--       outflow rows in every case here, so either reading passes).
--   (b) the `units` of a preview_correction row are the recomputed units: 0 for a creator that is
--       now a bot or has no events left.
--   (c) the run_id returned with `unchanged` is not asserted.
BEGIN;
SELECT plan(82);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, NULL, false), (2, 100, 3, NULL, false), (3, 0, 3, NULL, false), (4, 0, 3, NULL, false),
    (5, 0, 3, NULL, false), (6, 0, 3, NULL, false), (7, 0, 3, NULL, false), (8, 0, 0, NULL, false),
    (9, 0, 3, NULL, false), (10, 0, 1, NULL, false), (11, 0, 3, NULL, false), (12, 0, 1, NULL, false),
    (13, 0, 1, NULL, false), (14, 0, 3, NULL, false), (15, 0, 3, NULL, false), (16, 0, 3, NULL, false),
    (91, 0, 3, NULL, false), (92, 0, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at)
SELECT 10 * u + 1, u, NULL FROM unnest(ARRAY[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 91, 92]) u;
CREATE FUNCTION pg_temp.views(v bigint, d date, n int) RETURNS void LANGUAGE sql AS $$
    INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
    SELECT v, 'view', d::timestamp AT TIME ZONE 'UTC' + interval '10 hours' + g * interval '1 minute',
           'd' || v || '-' || d || '-' || g, 'i' || v || '-' || d || '-' || g
    FROM generate_series(1, n) g
$$;
SELECT pg_temp.views(x.v, x.d, x.n)
FROM (VALUES (911, date '2025-02-10', 10), (921, '2025-02-10', 10),
             (11, '2025-08-10', 60), (21, '2025-08-10', 40),
             (31, '2025-06-10', 50), (41, '2025-06-10', 50),
             (51, '2025-05-10', 30), (61, '2025-05-10', 10), (71, '2025-05-10', 10),
             (81, '2025-04-10', 10), (91, '2025-04-10', 10),
             (101, '2025-03-10', 10), (111, '2025-03-10', 10),
             (121, '2025-01-20', 10),
             (131, '2025-07-10', 30), (141, '2025-07-10', 10),
             (151, '2024-12-10', 10), (161, '2024-12-10', 10)) AS x(v, d, n);

CREATE TEMP TABLE tx_mark (m bigint NOT NULL);
INSERT INTO tx_mark VALUES (0);
CREATE FUNCTION pg_temp.mark() RETURNS void LANGUAGE sql AS
    $$UPDATE tx_mark SET m = (SELECT coalesce(max(id), 0) FROM public.transactions)$$;
-- Rows of every table of the extension's schema but config (whatever the lead names them).
CREATE FUNCTION pg_temp.rs_rows() RETURNS bigint LANGUAGE plpgsql AS $f$
DECLARE r regclass; n bigint := 0; c bigint;
BEGIN
    FOR r IN SELECT oid FROM pg_class WHERE relnamespace = 'revenue_split'::regnamespace AND relkind IN ('r', 'p')
               AND NOT relispartition AND relname <> 'config' LOOP
        EXECUTE format('SELECT count(*) FROM %s', r) INTO c;
        n := n + c;
    END LOOP;
    RETURN n;
END $f$;
CREATE FUNCTION pg_temp.refusal(q text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE st text; msg text; det text; hnt text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
    RETURN st || ' | ' || msg || ' | ' || coalesce(det, '') || ' | ' || coalesce(hnt, '');
END $f$;
-- balances of one creator (0, 0, 0 when it has no row)
CREATE FUNCTION pg_temp.bal(c bigint) RETURNS TABLE (earned bigint, paid bigint, owed bigint) LANGUAGE sql AS
    $$SELECT coalesce(sum(earned_cents), 0)::bigint, coalesce(sum(paid_cents), 0)::bigint, coalesce(sum(owed_cents), 0)::bigint
        FROM revenue_split.balances WHERE creator_id = c$$;
-- a fingerprint of everything a refused call must leave alone
CREATE FUNCTION pg_temp.state() RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.rs_rows() || ' ' || (SELECT count(*) FROM public.transactions) || ' '
        || (SELECT string_agg(id || ':' || coalesce(current_balance::text, 'NULL'), ',' ORDER BY id) FROM public.users)
$$;

-- ==== the contract ====
SELECT is(pg_get_function_result('revenue_split_correct(int, int, bigint)'::regprocedure),
    'TABLE(run_id bigint, status text, corrects_run_id bigint, period_start date, period_end date, pool_cents bigint, creators_changed integer, credited_cents bigint, debited_cents bigint, allocated_cents bigint, unallocated_cents bigint)',
    'revenue_split_correct returns the §9 row');
SELECT is(pg_get_function_result('revenue_split_correct_day(date, text, bigint)'::regprocedure),
    'TABLE(run_id bigint, status text, corrects_run_id bigint, period_start date, period_end date, pool_cents bigint, creators_changed integer, credited_cents bigint, debited_cents bigint, allocated_cents bigint, unallocated_cents bigint)',
    'revenue_split_correct_day returns the §9 row');
SELECT is(pg_get_function_result('revenue_split_preview_correction(int, int, bigint)'::regprocedure),
    'TABLE(creator_id bigint, earned_cents bigint, target_cents bigint, delta_cents bigint, units double precision, kyc_level integer, cap_cents bigint)',
    'revenue_split_preview_correction returns the §9 columns');
SELECT is(pg_get_function_result('revenue_split_preview_correction_day(date, text, bigint)'::regprocedure),
    'TABLE(creator_id bigint, earned_cents bigint, target_cents bigint, delta_cents bigint, units double precision, kyc_level integer, cap_cents bigint)',
    'revenue_split_preview_correction_day returns the §9 columns');
SELECT is(
    (SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_name) FROM information_schema.columns
      WHERE table_schema = 'revenue_split' AND table_name = 'runs' AND column_name IN ('status', 'corrects')),
    'corrects bigint, status text', 'revenue_split.runs has status text and corrects bigint');

-- ==== enum direction without 'outflow' (first: the column can only be an enum while no row is an outflow) ====
CREATE TYPE public.dir_in AS ENUM ('inflow');
ALTER TABLE public.transactions ALTER COLUMN direction TYPE public.dir_in USING direction::public.dir_in;
-- 2025-02-10, pool 100: 91, 92 10.1 each -> 50, 50.
CREATE TEMP TABLE e_run AS SELECT * FROM revenue_split_run(100, '2025-02-10');
SELECT results_eq($$SELECT status, creators, allocated_cents, unallocated_cents FROM e_run$$,
    $$VALUES ('committed'::text, 2, 100::bigint, 0::bigint)$$, 'enum: the daily run commits 50 + 50');
-- A correction that only credits needs no outflow: pool 300 -> targets 150, 150, deltas +100, +100.
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, corrects_run_id = (SELECT run_id FROM e_run), period_start, period_end, pool_cents, creators_changed,
             credited_cents, debited_cents, allocated_cents, unallocated_cents
        FROM revenue_split_correct_day('2025-02-10', 'revenue_split', 300)$$,
    $$VALUES ('corrected'::text, true, date '2025-02-10', date '2025-02-11', 300::bigint, 2, 200::bigint, 0::bigint, 300::bigint, 0::bigint)$$,
    'enum: a correction to pool 300 credits 100 + 100');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type, status, direction::text FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (91::bigint, 100, 'revenue_split_adjustment', 'pending', 'inflow'), (92, 100, 'revenue_split_adjustment', 'pending', 'inflow')$$,
    'enum: the credits are inflow rows of payment_type revenue_split_adjustment');
-- 92 turns out to be a bot: pool stays 300 (the latest correction's) -> 91 300 (+150), 92 0 (-150): a clawback.
UPDATE public.users SET likely_bot = true WHERE id = 92;
SELECT results_eq(
    $$SELECT creator_id, earned_cents, target_cents, delta_cents, round(units::numeric, 9), kyc_level, cap_cents
        FROM revenue_split_preview_correction_day('2025-02-10') ORDER BY creator_id$$,
    $$VALUES (91::bigint, 150::bigint, 300::bigint, 150::bigint, 10.1::numeric, 3, NULL::bigint),
             (92, 150, 0, -150, 0, 3, NULL)$$,
    'enum: the preview of the correction (pool of the latest correction, 300)');
CREATE TEMP TABLE e_before AS SELECT pg_temp.state() AS s;
SELECT throws_ok($$SELECT * FROM revenue_split_correct_day('2025-02-10')$$, '22023', NULL,
    'enum without outflow: a correction that needs a clawback is refused with 22023');
SELECT matches(pg_temp.refusal($$SELECT * FROM revenue_split_correct_day('2025-02-10')$$), '^22023 \| .*dir_in',
    'enum without outflow: the message names the type');
SELECT is(pg_temp.state(), (SELECT s FROM e_before), 'enum without outflow: nothing written (runs, entries, transactions, balances)');
SELECT results_eq($$SELECT * FROM pg_temp.bal(91) UNION ALL SELECT * FROM pg_temp.bal(92)$$,
    $$VALUES (150::bigint, 150::bigint, 0::bigint), (150, 150, 0)$$,
    'enum without outflow: balances still 150/150/0 each');
-- With a text direction the same correction goes through: 91 +150 inflow, 92 -150 outflow.
ALTER TABLE public.transactions ALTER COLUMN direction TYPE text USING direction::text;
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, corrects_run_id = (SELECT run_id FROM e_run), pool_cents, creators_changed, credited_cents, debited_cents,
             allocated_cents, unallocated_cents FROM revenue_split_correct_day('2025-02-10')$$,
    $$VALUES ('corrected'::text, true, 300::bigint, 2, 150::bigint, 150::bigint, 300::bigint, 0::bigint)$$,
    'text direction: the correction posts');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type, status, direction FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (91::bigint, 150, 'revenue_split_adjustment', 'pending', 'inflow'), (92, 150, 'revenue_split_adjustment', 'pending', 'outflow')$$,
    'text direction: an inflow of 150 and a clawback (outflow) of 150');
SELECT results_eq($$SELECT id, current_balance FROM public.users WHERE id IN (91, 92) ORDER BY id$$,
    $$VALUES (91::bigint, 300::bigint), (92, 0)$$, 'text direction: balances 50 + 100 + 150 = 300 and 50 + 100 - 150 = 0');

-- ==== the bot farm found after payout (SPEC §9 example), August 2025 ====
-- A 60.6, B 40.4 (U = 101), pool 10,000 -> A 6,000, B 4,000.
SELECT pg_temp.mark();
CREATE TEMP TABLE bf AS SELECT * FROM revenue_split_commit(10000, 2025, 8);
SELECT results_eq($$SELECT status, creators, allocated_cents, unallocated_cents, paid_cents, owed_cents FROM bf$$,
    $$VALUES ('committed'::text, 2, 10000::bigint, 0::bigint, 10000::bigint, 0::bigint)$$, 'bot farm: August committed');
SELECT results_eq($$SELECT recipient, amount_cents FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (1::bigint, 6000), (2, 4000)$$, 'bot farm: A 6,000, B 4,000');
UPDATE public.users SET likely_bot = true WHERE id = 2;
CREATE TEMP TABLE bf_pre AS SELECT pg_temp.state() AS s;
-- target: A 10,000 (delta +4,000), B 0 (delta -4,000)
SELECT results_eq(
    $$SELECT creator_id, earned_cents, target_cents, delta_cents, round(units::numeric, 9), kyc_level, cap_cents
        FROM revenue_split_preview_correction(2025, 8) ORDER BY creator_id$$,
    $$VALUES (1::bigint, 6000::bigint, 10000::bigint, 4000::bigint, 60.6::numeric, 3, NULL::bigint),
             (2, 4000, 0, -4000, 0, 3, NULL)$$,
    'bot farm: preview_correction A 6,000 -> 10,000, B 4,000 -> 0');
SELECT is(pg_temp.state(), (SELECT s FROM bf_pre), 'bot farm: preview_correction wrote nothing');
SELECT pg_temp.mark();
CREATE TEMP TABLE bf_c AS SELECT * FROM revenue_split_correct(2025, 8);
SELECT results_eq(
    $$SELECT run_id <> (SELECT run_id FROM bf), status, corrects_run_id = (SELECT run_id FROM bf), period_start, period_end, pool_cents,
             creators_changed, credited_cents, debited_cents, allocated_cents, unallocated_cents FROM bf_c$$,
    $$VALUES (true, 'corrected'::text, true, date '2025-08-01', date '2025-09-01', 10000::bigint, 2, 4000::bigint, 4000::bigint,
              10000::bigint, 0::bigint)$$,
    'bot farm: corrected, credited 4,000, debited 4,000');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type, status, direction FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (1::bigint, 4000, 'revenue_split_monthly_adjustment', 'pending', 'inflow'),
             (2, 4000, 'revenue_split_monthly_adjustment', 'pending', 'outflow')$$,
    'bot farm: an inflow of 4,000 to A and an outflow of 4,000 from B');
SELECT results_eq($$SELECT id, current_balance FROM public.users WHERE id IN (1, 2) ORDER BY id$$,
    $$VALUES (1::bigint, 10000::bigint), (2, 100)$$, 'bot farm: A 10,000; B''s balance drops by 4,000 (100 + 4,000 - 4,000)');
SELECT results_eq($$SELECT * FROM pg_temp.bal(1) UNION ALL SELECT * FROM pg_temp.bal(2)$$,
    $$VALUES (10000::bigint, 10000::bigint, 0::bigint), (0, 0, 0)$$,
    'bot farm: balances A 10,000/10,000/0, B 0/0/0');
SELECT results_eq(
    $$SELECT status, corrects, kind, period_start, pool_cents FROM revenue_split.runs WHERE run_id IN ((SELECT run_id FROM bf), (SELECT run_id FROM bf_c))
       ORDER BY run_id$$,
    $$SELECT 'committed'::text, NULL::bigint, 'monthly'::text, date '2025-08-01', 10000::bigint
      UNION ALL SELECT 'correction', run_id, 'monthly', date '2025-08-01', 10000 FROM bf$$,
    'bot farm: runs keeps the original (committed) and records the correction (corrects = the original)');
-- A second identical correction: every delta 0, pool unchanged -> unchanged, nothing written.
CREATE TEMP TABLE bf_before AS SELECT pg_temp.state() AS s;
SELECT results_eq(
    $$SELECT status, corrects_run_id = (SELECT run_id FROM bf), pool_cents, creators_changed, credited_cents, debited_cents,
             allocated_cents, unallocated_cents FROM revenue_split_correct(2025, 8)$$,
    $$VALUES ('unchanged'::text, true, 10000::bigint, 0, 0::bigint, 0::bigint, 10000::bigint, 0::bigint)$$,
    'bot farm: a second identical correction is unchanged');
SELECT is(pg_temp.state(), (SELECT s FROM bf_before), 'bot farm: the unchanged correction wrote nothing');
SELECT results_eq(
    $$SELECT creator_id, earned_cents, target_cents, delta_cents FROM revenue_split_preview_correction(2025, 8) ORDER BY creator_id$$,
    $$VALUES (1::bigint, 10000::bigint, 10000::bigint, 0::bigint)$$,
    'bot farm: afterwards the preview shows earned = target; B (earned 0, target 0) is not listed');
SELECT results_eq($$SELECT run_id, status FROM revenue_split_commit(10000, 2025, 8)$$,
    $$SELECT run_id, 'skipped'::text FROM bf$$, 'bot farm: a commit of August is still skipped (the original run)');

-- ==== late events, June 2025 ====
-- C 50.5, D 50.5, pool 1,000 -> 500, 500. C then withdraws its balance (the application sets it to 0).
SELECT results_eq($$SELECT status, allocated_cents FROM revenue_split_commit(1000, 2025, 6)$$,
    $$VALUES ('committed'::text, 1000::bigint)$$, 'late events: June committed 500 + 500');
UPDATE public.users SET current_balance = 0 WHERE id = 3;
-- 30 late views of D on 2025-06-20: D 50.5 + 30.3 = 80.8, C 50.5, U = 131.3.
-- C 1,000 * 50.5/131.3 = 384.615, D 615.385 -> floors 384 + 615 = 999, the cent to C (.615 > .385)
-- -> C 385 (delta -115), D 615 (delta +115).
SELECT pg_temp.views(41, '2025-06-20', 30);
SELECT results_eq(
    $$SELECT creator_id, earned_cents, target_cents, delta_cents, round(units::numeric, 9), kyc_level, cap_cents
        FROM revenue_split_preview_correction(2025, 6) ORDER BY creator_id$$,
    $$VALUES (3::bigint, 500::bigint, 385::bigint, -115::bigint, 50.5::numeric, 3, NULL::bigint),
             (4, 500, 615, 115, 80.8, 3, NULL)$$,
    'late events: C 500 -> 385, D 500 -> 615');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, period_start, pool_cents, creators_changed, credited_cents, debited_cents, allocated_cents, unallocated_cents
        FROM revenue_split_correct(2025, 6)$$,
    $$VALUES ('corrected'::text, date '2025-06-01', 1000::bigint, 2, 115::bigint, 115::bigint, 1000::bigint, 0::bigint)$$,
    'late events: corrected, 115 each way');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type, direction FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (3::bigint, 115, 'revenue_split_monthly_adjustment', 'outflow'), (4, 115, 'revenue_split_monthly_adjustment', 'inflow')$$,
    'late events: clawback of 115 from C, 115 paid to D');
SELECT results_eq($$SELECT id, current_balance FROM public.users WHERE id IN (3, 4) ORDER BY id$$,
    $$VALUES (3::bigint, -115::bigint), (4, 615)$$, 'late events: C''s balance may go negative (0 - 115), D 615');
SELECT results_eq($$SELECT * FROM pg_temp.bal(3) UNION ALL SELECT * FROM pg_temp.bal(4)$$,
    $$VALUES (385::bigint, 385::bigint, 0::bigint), (615, 615, 0)$$, 'late events: balances 385 and 615, nothing owed');

-- ==== deleted events, May 2025 ====
-- E 30.3, F 10.1, G 10.1 (U = 50.5), pool 5,000 -> 3,000, 1,000, 1,000.
SELECT results_eq($$SELECT status, creators, allocated_cents FROM revenue_split_commit(5000, 2025, 5)$$,
    $$VALUES ('committed'::text, 3, 5000::bigint)$$, 'deleted events: May committed 3,000 + 1,000 + 1,000');
-- 20 of E's 30 views are deleted: 10.1 each -> 1,666.67 each -> floors 1,666 x 3 = 4,998, the 2 cents to the
-- equal remainders by smaller id: E 1,667 (-1,333), F 1,667 (+667), G 1,666 (+666).
DELETE FROM public.event WHERE video_id = 51 AND ts > timestamptz '2025-05-10 10:10:00+00';
SELECT results_eq(
    $$SELECT creator_id, earned_cents, target_cents, delta_cents, round(units::numeric, 9) FROM revenue_split_preview_correction(2025, 5) ORDER BY creator_id$$,
    $$VALUES (5::bigint, 3000::bigint, 1667::bigint, -1333::bigint, 10.1::numeric), (6, 1000, 1667, 667, 10.1), (7, 1000, 1666, 666, 10.1)$$,
    'deleted events: 3,000 -> 1,667, 1,000 -> 1,667, 1,000 -> 1,666 (largest remainder, ties to the smaller id)');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, creators_changed, credited_cents, debited_cents, allocated_cents, unallocated_cents FROM revenue_split_correct(2025, 5)$$,
    $$VALUES ('corrected'::text, 3, 1333::bigint, 1333::bigint, 5000::bigint, 0::bigint)$$,
    'deleted events: corrected, credited 667 + 666, debited 1,333');
SELECT results_eq(
    $$SELECT recipient, amount_cents, direction FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (5::bigint, 1333, 'outflow'), (6, 667, 'inflow'), (7, 666, 'inflow')$$,
    'deleted events: one clawback, two inflows');
SELECT results_eq($$SELECT id, current_balance FROM public.users WHERE id IN (5, 6, 7) ORDER BY id$$,
    $$VALUES (5::bigint, 1667::bigint), (6, 1667), (7, 1666)$$, 'deleted events: balances 1,667 / 1,667 / 1,666');

-- ==== a KYC level fixed, April 2025 ====
-- H (KYC 0, cap 0) 10.1, I (KYC 3) 10.1, pool 2,000 -> H 0 (capped), I 2,000.
SELECT results_eq($$SELECT status, creators, allocated_cents, unallocated_cents FROM revenue_split_commit(2000, 2025, 4)$$,
    $$VALUES ('committed'::text, 1, 2000::bigint, 0::bigint)$$, 'KYC change: April committed, H capped at 0, I 2,000');
-- H's KYC becomes 1 (cap 5,000): 1,000 each -> H +1,000, I -1,000.
UPDATE public.users SET kyc_level = 1 WHERE id = 8;
SELECT results_eq(
    $$SELECT creator_id, earned_cents, target_cents, delta_cents, round(units::numeric, 9), kyc_level, cap_cents
        FROM revenue_split_preview_correction(2025, 4) ORDER BY creator_id$$,
    $$VALUES (8::bigint, 0::bigint, 1000::bigint, 1000::bigint, 10.1::numeric, 1, 5000::bigint),
             (9, 2000, 1000, -1000, 10.1, 3, NULL)$$,
    'KYC change: H (earned 0) is listed with target 1,000 under its new KYC level and cap');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, creators_changed, credited_cents, debited_cents, allocated_cents, unallocated_cents FROM revenue_split_correct(2025, 4)$$,
    $$VALUES ('corrected'::text, 2, 1000::bigint, 1000::bigint, 2000::bigint, 0::bigint)$$,
    'KYC change: corrected');
SELECT results_eq(
    $$SELECT recipient, amount_cents, direction FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (8::bigint, 1000, 'inflow'), (9, 1000, 'outflow')$$,
    'KYC change: 1,000 to H, 1,000 clawed back from I');

-- ==== pool changes, March 2025 ====
-- J (KYC 1) 10.1, K (KYC 3) 10.1, pool 8,000 -> 4,000 each.
CREATE TEMP TABLE mar AS SELECT * FROM revenue_split_commit(8000, 2025, 3);
SELECT results_eq($$SELECT status, allocated_cents FROM mar$$, $$VALUES ('committed'::text, 8000::bigint)$$, 'pool change: March committed');
-- pool 12,000: 6,000 each -> J capped at 5,000, K 7,000 -> deltas +1,000, +3,000.
SELECT results_eq(
    $$SELECT creator_id, earned_cents, target_cents, delta_cents, kyc_level, cap_cents FROM revenue_split_preview_correction(2025, 3, 12000) ORDER BY creator_id$$,
    $$VALUES (10::bigint, 4000::bigint, 5000::bigint, 1000::bigint, 1, 5000::bigint), (11, 4000, 7000, 3000, 3, NULL)$$,
    'pool change: preview with pool 12,000: J capped at 5,000, K 7,000');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, corrects_run_id = (SELECT run_id FROM mar), pool_cents, creators_changed, credited_cents, debited_cents,
             allocated_cents, unallocated_cents FROM revenue_split_correct(2025, 3, 12000)$$,
    $$VALUES ('corrected'::text, true, 12000::bigint, 2, 4000::bigint, 0::bigint, 12000::bigint, 0::bigint)$$,
    'pool change to 12,000: corrected, credited 4,000');
-- J: payable min(owed 1,000, cap 5,000 - paid under the key 4,000) = 1,000
SELECT results_eq(
    $$SELECT recipient, amount_cents, direction FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (10::bigint, 1000, 'inflow'), (11, 3000, 'inflow')$$,
    'pool change to 12,000: inflows 1,000 and 3,000');
-- no pool given: the pool of the latest correction (12,000) -> unchanged
CREATE TEMP TABLE mar_before AS SELECT pg_temp.state() AS s;
SELECT results_eq($$SELECT status, pool_cents, allocated_cents, unallocated_cents FROM revenue_split_correct(2025, 3)$$,
    $$VALUES ('unchanged'::text, 12000::bigint, 12000::bigint, 0::bigint)$$,
    'no pool given: the latest correction''s pool 12,000 is used -> unchanged');
SELECT results_eq($$SELECT status FROM revenue_split_correct(2025, 3, 12000)$$, $$VALUES ('unchanged'::text)$$,
    'the same pool 12,000 again: unchanged');
SELECT is(pg_temp.state(), (SELECT s FROM mar_before), 'the unchanged corrections wrote nothing');
-- back to pool 8,000: targets 4,000 each -> J -1,000, K -3,000: two clawbacks
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, pool_cents, creators_changed, credited_cents, debited_cents, allocated_cents, unallocated_cents
        FROM revenue_split_correct(2025, 3, 8000)$$,
    $$VALUES ('corrected'::text, 8000::bigint, 2, 0::bigint, 4000::bigint, 8000::bigint, 0::bigint)$$,
    'pool back to 8,000: debited 4,000');
SELECT results_eq(
    $$SELECT recipient, amount_cents, direction FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (10::bigint, 1000, 'outflow'), (11, 3000, 'outflow')$$,
    'pool back to 8,000: clawbacks of 1,000 and 3,000');
-- pool 20,000: 10,000 each -> J capped 5,000, K 15,000 -> +1,000, +11,000
SELECT results_eq(
    $$SELECT status, pool_cents, creators_changed, credited_cents, debited_cents, allocated_cents, unallocated_cents
        FROM revenue_split_correct(2025, 3, 20000)$$,
    $$VALUES ('corrected'::text, 20000::bigint, 2, 12000::bigint, 0::bigint, 20000::bigint, 0::bigint)$$,
    'pool 20,000: credited 1,000 + 11,000');
-- A repeat of the commit must still match the pool the key was FIRST committed with (8,000).
SELECT results_eq($$SELECT run_id, status FROM revenue_split_commit(8000, 2025, 3)$$,
    $$SELECT run_id, 'skipped'::text FROM mar$$, 'pool change: commit(8,000) of March is skipped');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(20000, 2025, 3)$$, '23505', NULL,
    'pool change: commit(20,000) of March -> 23505 (corrections do not change what a repeat must match)');
SELECT results_eq($$SELECT * FROM pg_temp.bal(10) UNION ALL SELECT * FROM pg_temp.bal(11)$$,
    $$VALUES (5000::bigint, 5000::bigint, 0::bigint), (15000, 15000, 0)$$, 'pool changes: J 5,000, K 15,000');

-- ==== a pool-only change, 2025-01-20 (daily) ====
-- L (KYC 1) alone, pool 5,000 -> 5,000 (its cap). Pool 6,000: target still 5,000 (cap), delta 0, but the
-- pool changed -> corrected with creators_changed 0 and unallocated 1,000, no ledger row.
CREATE TEMP TABLE jan AS SELECT * FROM revenue_split_run(5000, '2025-01-20');
SELECT results_eq($$SELECT status, allocated_cents, unallocated_cents FROM jan$$,
    $$VALUES ('committed'::text, 5000::bigint, 0::bigint)$$, 'pool only: the daily run commits 5,000');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, corrects_run_id = (SELECT run_id FROM jan), period_start, period_end, pool_cents, creators_changed,
             credited_cents, debited_cents, allocated_cents, unallocated_cents
        FROM revenue_split_correct_day('2025-01-20', 'revenue_split', 6000)$$,
    $$VALUES ('corrected'::text, true, date '2025-01-20', date '2025-01-21', 6000::bigint, 0, 0::bigint, 0::bigint, 5000::bigint, 1000::bigint)$$,
    'pool only: every delta 0 but the pool changed -> corrected, unallocated 1,000');
SELECT is((SELECT count(*) FROM public.transactions WHERE id > (SELECT m FROM tx_mark)), 0::bigint, 'pool only: no ledger row');
SELECT results_eq(
    $$SELECT count(*), max(pool_cents) FROM revenue_split.runs WHERE corrects = (SELECT run_id FROM jan) AND status = 'correction'$$,
    $$VALUES (1::bigint, 6000::bigint)$$, 'pool only: the correction is recorded with pool 6,000');
SELECT results_eq($$SELECT status, pool_cents, allocated_cents, unallocated_cents FROM revenue_split_correct_day('2025-01-20')$$,
    $$VALUES ('unchanged'::text, 6000::bigint, 5000::bigint, 1000::bigint)$$,
    'pool only: correcting again without a pool (latest pool 6,000) is unchanged');

-- ==== the configuration recorded by the original run is used, July 2025 ====
-- M (KYC 1) 30.3, N (KYC 3) 10.1 (U = 40.4), pool 4,000, default caps -> M 3,000 (cap 5,000 not reached), N 1,000.
SELECT results_eq($$SELECT status, allocated_cents FROM revenue_split_commit(4000, 2025, 7)$$,
    $$VALUES ('committed'::text, 4000::bigint)$$, 'recorded config: July committed 3,000 + 1,000');
-- The configuration changes: KYC 1 now capped at 1,000. A new computation would give M 1,000, N 3,000.
INSERT INTO revenue_split.config (kyc_cap_cents) VALUES ('{1000,50000}')
ON CONFLICT (singleton) DO UPDATE SET kyc_cap_cents = EXCLUDED.kyc_cap_cents;
SELECT results_eq($$SELECT creator_id, cap_cents, amount_cents FROM revenue_split_preview(4000, 2025, 7) ORDER BY creator_id$$,
    $$VALUES (13::bigint, 1000::bigint, 1000::bigint), (14, NULL, 3000)$$,
    'recorded config: under the new configuration a preview caps M at 1,000');
SELECT results_eq(
    $$SELECT creator_id, earned_cents, target_cents, delta_cents, round(units::numeric, 9), kyc_level, cap_cents
        FROM revenue_split_preview_correction(2025, 7) ORDER BY creator_id$$,
    $$VALUES (13::bigint, 3000::bigint, 3000::bigint, 0::bigint, 30.3::numeric, 1, 5000::bigint), (14, 1000, 1000, 0, 10.1, 3, NULL)$$,
    'recorded config: the correction preview uses the original run''s caps (5,000): no delta');
SELECT results_eq($$SELECT status, creators_changed FROM revenue_split_correct(2025, 7)$$,
    $$VALUES ('unchanged'::text, 0)$$, 'recorded config: a configuration change alone is unchanged');
-- A data change: 10 late views of N on 2025-07-20 -> N 20.2, M 30.3 (U = 50.5) -> M 2,400, N 1,600 under
-- the recorded caps (M -600, N +600); the new caps would have given M 1,000, N 3,000.
SELECT pg_temp.views(141, '2025-07-20', 10);
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, creators_changed, credited_cents, debited_cents, allocated_cents, unallocated_cents FROM revenue_split_correct(2025, 7)$$,
    $$VALUES ('corrected'::text, 2, 600::bigint, 600::bigint, 4000::bigint, 0::bigint)$$,
    'recorded config: data changes are corrected with the recorded caps: M 2,400, N 1,600');
SELECT results_eq(
    $$SELECT recipient, amount_cents, direction FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (13::bigint, 600, 'outflow'), (14, 600, 'inflow')$$,
    'recorded config: clawback 600 from M, 600 to N');
UPDATE revenue_split.config SET kyc_cap_cents = '{5000,50000}';

-- ==== a daily correction with its payment_type, 2024-12-10 ====
-- O, P 10.1 each: a 'bonus' run and a 'revenue_split' run of the same day, pool 100 each -> 50 + 50 each.
CREATE TEMP TABLE dec_bonus AS SELECT * FROM revenue_split_run(100, '2024-12-10', 'bonus');
CREATE TEMP TABLE dec_rs AS SELECT * FROM revenue_split_run(100, '2024-12-10');
SELECT results_eq($$SELECT status, allocated_cents FROM dec_bonus UNION ALL SELECT status, allocated_cents FROM dec_rs$$,
    $$VALUES ('committed'::text, 100::bigint), ('committed', 100)$$, 'payment_type: two daily runs of 2024-12-10 (bonus, revenue_split)');
-- P's events are deleted: O 100 (+50), P 0 (-50) for each key.
DELETE FROM public.event WHERE video_id = 161;
SELECT results_eq(
    $$SELECT creator_id, earned_cents, target_cents, delta_cents, round(units::numeric, 9), kyc_level, cap_cents
        FROM revenue_split_preview_correction_day('2024-12-10', 'bonus') ORDER BY creator_id$$,
    $$VALUES (15::bigint, 50::bigint, 100::bigint, 50::bigint, 10.1::numeric, 3, NULL::bigint), (16, 50, 0, -50, 0, 3, NULL)$$,
    'payment_type: preview of the bonus key');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, corrects_run_id = (SELECT run_id FROM dec_bonus), period_start, period_end, pool_cents, creators_changed,
             credited_cents, debited_cents, allocated_cents, unallocated_cents
        FROM revenue_split_correct_day('2024-12-10', 'bonus')$$,
    $$VALUES ('corrected'::text, true, date '2024-12-10', date '2024-12-11', 100::bigint, 2, 50::bigint, 50::bigint, 100::bigint, 0::bigint)$$,
    'payment_type: the bonus key is corrected (corrects the bonus run)');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type, status, direction FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (15::bigint, 50, 'bonus_adjustment', 'pending', 'inflow'), (16, 50, 'bonus_adjustment', 'pending', 'outflow')$$,
    'payment_type: its rows are of payment_type bonus_adjustment');
SELECT results_eq(
    $$SELECT creator_id, earned_cents, target_cents, delta_cents FROM revenue_split_preview_correction_day('2024-12-10') ORDER BY creator_id$$,
    $$VALUES (15::bigint, 50::bigint, 100::bigint, 50::bigint), (16, 50, 0, -50)$$,
    'payment_type: the revenue_split key of the same day is still uncorrected');
SELECT pg_temp.mark();
SELECT results_eq(
    $$SELECT status, corrects_run_id = (SELECT run_id FROM dec_rs), credited_cents, debited_cents FROM revenue_split_correct_day('2024-12-10', 'revenue_split')$$,
    $$VALUES ('corrected'::text, true, 50::bigint, 50::bigint)$$,
    'payment_type: then the revenue_split key is corrected');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type, direction FROM public.transactions WHERE id > (SELECT m FROM tx_mark) ORDER BY recipient$$,
    $$VALUES (15::bigint, 50, 'revenue_split_adjustment', 'inflow'), (16, 50, 'revenue_split_adjustment', 'outflow')$$,
    'payment_type: with payment_type revenue_split_adjustment');

-- ==== invariants at the end ====
-- every corrected key: earned = latest target (no delta left anywhere), Σ target + unallocated = latest pool
SELECT is_empty(
    $$SELECT * FROM revenue_split_preview_correction(2025, 8) WHERE delta_cents <> 0
      UNION ALL SELECT * FROM revenue_split_preview_correction(2025, 6) WHERE delta_cents <> 0
      UNION ALL SELECT * FROM revenue_split_preview_correction(2025, 5) WHERE delta_cents <> 0
      UNION ALL SELECT * FROM revenue_split_preview_correction(2025, 4) WHERE delta_cents <> 0
      UNION ALL SELECT * FROM revenue_split_preview_correction(2025, 3) WHERE delta_cents <> 0
      UNION ALL SELECT * FROM revenue_split_preview_correction(2025, 7) WHERE delta_cents <> 0
      UNION ALL SELECT * FROM revenue_split_preview_correction_day('2025-01-20') WHERE delta_cents <> 0
      UNION ALL SELECT * FROM revenue_split_preview_correction_day('2025-02-10') WHERE delta_cents <> 0
      UNION ALL SELECT * FROM revenue_split_preview_correction_day('2024-12-10', 'bonus') WHERE delta_cents <> 0
      UNION ALL SELECT * FROM revenue_split_preview_correction_day('2024-12-10') WHERE delta_cents <> 0$$,
    'every key: the earned total equals the latest target (no delta left)');
SELECT results_eq(
    $$SELECT sum(target_cents) FROM revenue_split_preview_correction(2025, 3)
      UNION ALL SELECT sum(target_cents) FROM revenue_split_preview_correction_day('2025-01-20')$$,
    $$VALUES (20000::numeric), (5000)$$,
    'Σ target + unallocated = latest pool: March 20,000 + 0; 2025-01-20 5,000 + 1,000 = 6,000');
-- earned per creator: A 10,000, C 385, D 615, E 1,667, F 1,667, G 1,666, H 1,000, I 1,000, J 5,000, K 15,000,
-- L 5,000, M 2,400, N 1,600, O 100 + 100 = 200, 91 300; B, P, 92 0. Σ 47,500 = Aug 10,000 + Jun 1,000
-- + May 5,000 + Apr 2,000 + Mar 20,000 + 01-20 5,000 + Jul 4,000 + 12-10 100 + 100 + 02-10 300.
SELECT results_eq(
    $$SELECT creator_id, earned_cents, paid_cents, owed_cents FROM revenue_split.balances
       WHERE earned_cents <> 0 OR paid_cents <> 0 OR owed_cents <> 0 ORDER BY creator_id$$,
    $$VALUES (1::bigint, 10000::bigint, 10000::bigint, 0::bigint), (3, 385, 385, 0), (4, 615, 615, 0), (5, 1667, 1667, 0),
             (6, 1667, 1667, 0), (7, 1666, 1666, 0), (8, 1000, 1000, 0), (9, 1000, 1000, 0), (10, 5000, 5000, 0),
             (11, 15000, 15000, 0), (12, 5000, 5000, 0), (13, 2400, 2400, 0), (14, 1600, 1600, 0), (15, 200, 200, 0),
             (91, 300, 300, 0)$$,
    'balances at the end (Σ earned 47,500)');
SELECT is_empty($$SELECT * FROM revenue_split.balances WHERE earned_cents <> paid_cents + owed_cents$$,
    'invariant: earned = paid + owed');
SELECT is_empty(
    $$SELECT coalesce(b.creator_id, t.recipient) FROM revenue_split.balances b
        FULL JOIN (SELECT recipient, sum(CASE direction WHEN 'inflow' THEN amount_cents ELSE -amount_cents END) AS s
                     FROM public.transactions GROUP BY recipient) t ON t.recipient = b.creator_id
       WHERE coalesce(b.paid_cents, 0) <> coalesce(t.s, 0)$$,
    'invariant: Σ signed ledger rows = paid_cents, per creator');
-- current_balance: initial (0, B 100) + signed rows, except C whose 500 was withdrawn (set to 0) -> -115.
SELECT results_eq($$SELECT id, current_balance FROM public.users ORDER BY id$$,
    $$VALUES (1::bigint, 10000::bigint), (2, 100), (3, -115), (4, 615), (5, 1667), (6, 1667), (7, 1666), (8, 1000), (9, 1000),
             (10, 5000), (11, 15000), (12, 5000), (13, 2400), (14, 1600), (15, 200), (16, 0), (91, 300), (92, 0)$$,
    'every current_balance at the end');
-- runs: 10 originals (02-10, Aug, Jun, May, Apr, Mar, 01-20, Jul, 12-10 bonus, 12-10 revenue_split) and 13 corrections
-- (02-10 x2, Aug, Jun, May, Apr, Mar x3, 01-20, Jul, 12-10 x2). Ledger rows: originals 2+2+2+3+1+2+1+2+2+2 = 19,
-- corrections 2+2+2+2+3+2+2+2+2+0+2+2+2 = 25 -> 44, of which 10 outflows.
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs WHERE status = 'committed'), (SELECT count(*) FROM revenue_split.runs WHERE status = 'correction'),
             (SELECT count(*) FROM revenue_split.runs WHERE status = 'correction' AND corrects IS NULL),
             (SELECT count(*) FROM public.transactions), (SELECT count(*) FROM public.transactions WHERE direction = 'outflow')$$,
    $$VALUES (10::bigint, 13::bigint, 0::bigint, 44::bigint, 10::bigint)$$,
    '10 committed runs, 13 corrections (each with corrects), 44 ledger rows of which 10 outflows');

SELECT * FROM finish();
ROLLBACK;

-- Scenario group: adopting periods paid by the original Python script (SPEC §11):
-- revenue_split_adopt / revenue_split_adopt_day record a run with status 'adopted' from the
-- ledger rows the script wrote (payment_type revenue_split_monthly, created_at at now(), i.e. in
-- the NEXT month), write nothing to transactions or users; then the month's commit is 'skipped'
-- (23505 with another pool), and a correction (SPEC §9) claws back what the script paid a
-- creator with kyc_level = -1 (the script treats it as unlimited; §5 caps it at 0).
--
-- Every creator-day is "simple" (one video, views only, each view with its own device and IP,
-- created_at NULL): units = 1.01 * views.
--   users: 1 A KYC 3, 2 K KYC -1, 3 B KYC 3 (balances 3,334 each: what the script paid them)
--          4 X KYC 1, 5 Y KYC 3 (balances 2,500 each)
--   videos 11 -> 1, 21 -> 2, 31 -> 3, 41 -> 4, 51 -> 5
--   2025-03-10: 11, 21, 31: 10 views each (10.1 units each)
--   2025-05-12: 41, 51: 10 views each
--
-- The script's March 2025, pool 10,001: three equal creators, per-creator round(10,001 / 3) =
-- round(3,333.67) = 3,334 each -> it paid 10,002, one cent more than the pool (unallocated -1).
BEGIN;
SELECT plan(46);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 3334, 3, NULL, false), (2, 3334, -1, NULL, false), (3, 3334, 3, NULL, false),
    (4, 2500, 1, NULL, false), (5, 2500, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES (11, 1, NULL), (21, 2, NULL), (31, 3, NULL), (41, 4, NULL), (51, 5, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT x.v, 'view', x.d::timestamp AT TIME ZONE 'UTC' + interval '10 hours' + g * interval '1 minute',
       'd' || x.v || '-' || x.d || '-' || g, 'i' || x.v || '-' || x.d || '-' || g
FROM (VALUES (11, date '2025-03-10', 10), (21, '2025-03-10', 10), (31, '2025-03-10', 10),
             (41, '2025-05-12', 10), (51, '2025-05-12', 10)) AS x(v, d, n),
     generate_series(1, x.n) g;

-- The ledger as the script left it. Adopted window for March: [2025-04-01 00:00, 2025-04-02 00:00) UTC.
INSERT INTO public.transactions (created_at, recipient, amount_cents, payment_type, status, direction) VALUES
    -- the March payout, written at now() = early April (one row exactly at paid_from: included)
    ('2025-04-01 00:00:00+00', 1, 3334, 'revenue_split_monthly', 'pending', 'inflow'),
    ('2025-04-01 06:00:01+00', 2, 3334, 'revenue_split_monthly', 'pending', 'inflow'),
    ('2025-04-01 06:00:02+00', 3, 3334, 'revenue_split_monthly', 'pending', 'inflow'),
    -- not matched: the February payout (created inside March: where the script's guard looks)
    ('2025-03-01 06:00:00+00', 1, 777, 'revenue_split_monthly', 'pending', 'inflow'),
    -- not matched: exactly at paid_to (half-open window)
    ('2025-04-02 00:00:00+00', 1, 999, 'revenue_split_monthly', 'pending', 'inflow'),
    -- not matched: another payment type, and an outflow, inside the window
    ('2025-04-01 07:00:00+00', 2, 50, 'bonus', 'pending', 'inflow'),
    ('2025-04-01 07:00:00+00', 3, 5, 'revenue_split_monthly', 'pending', 'outflow'),
    -- the script's daily payout of 2025-05-12 (pool 5,000: 2,500 each), written the next night
    ('2025-05-13 02:00:00+00', 4, 2500, 'revenue_split', 'pending', 'inflow'),
    ('2025-05-13 02:00:01+00', 5, 2500, 'revenue_split', 'pending', 'inflow'),
    -- a daily payout of 2025-05-13 with a custom payment type
    ('2025-05-14 01:00:00+00', 4, 100, 'daily_payout', 'pending', 'inflow');
-- the rows that must be adopted (the invariants below count these and the extension's own rows)
CREATE TEMP TABLE adopted_ids AS
    SELECT id FROM public.transactions
     WHERE (payment_type = 'revenue_split_monthly' AND amount_cents = 3334)
        OR payment_type IN ('revenue_split', 'daily_payout');
CREATE TEMP TABLE tx_before AS SELECT max(id) AS m FROM public.transactions;

CREATE FUNCTION pg_temp.refusal(q text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE st text; msg text; det text; hnt text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
    RETURN st || ' | ' || msg || ' | ' || coalesce(det, '') || ' | ' || coalesce(hnt, '');
END $f$;
CREATE FUNCTION pg_temp.ledger() RETURNS text LANGUAGE sql AS $$
    SELECT (SELECT count(*) || '/' || coalesce(sum(amount_cents), 0) FROM public.transactions) || ' '
        || (SELECT string_agg(id || ':' || coalesce(current_balance::text, 'NULL'), ',' ORDER BY id) FROM public.users)
$$;
CREATE TEMP TABLE ledger0 AS SELECT pg_temp.ledger() AS s;

SELECT is(pg_get_function_result('revenue_split_adopt(int, int, bigint, timestamptz, timestamptz, text)'::regprocedure),
    'TABLE(run_id bigint, status text, period_start date, period_end date, pool_cents bigint, creators integer, allocated_cents bigint, unallocated_cents bigint, total_units double precision, paid_cents bigint, owed_cents bigint)',
    'revenue_split_adopt returns the commit row');
SELECT is(pg_get_function_result('revenue_split_adopt_day(date, bigint, timestamptz, timestamptz, text)'::regprocedure),
    'TABLE(run_id bigint, status text, period_start date, period_end date, pool_cents bigint, creators integer, allocated_cents bigint, unallocated_cents bigint, total_units double precision, paid_cents bigint, owed_cents bigint)',
    'revenue_split_adopt_day returns the commit row');

-- ==== adopt March 2025 ====
-- matched: 3,334 x 3 = 10,002 over pool 10,001 -> allocated 10,002, unallocated -1, 3 creators,
-- earned = paid = 3,334 each -> paid 10,002, owed 0.
CREATE TEMP TABLE a AS
    SELECT * FROM revenue_split_adopt(2025, 3, 10001, '2025-04-01 00:00:00+00', '2025-04-02 00:00:00+00');
SELECT results_eq(
    $$SELECT run_id IS NOT NULL, status, period_start, period_end, pool_cents, creators, allocated_cents, unallocated_cents, paid_cents, owed_cents FROM a$$,
    $$VALUES (true, 'adopted'::text, date '2025-03-01', date '2025-04-01', 10001::bigint, 3, 10002::bigint, -1::bigint, 10002::bigint, 0::bigint)$$,
    'adopt: status adopted, allocated 10,002 of pool 10,001 -> unallocated -1');
SELECT results_eq(
    $$SELECT status, kind, period_start, period_end, payment_type, pool_cents, allocated_cents, unallocated_cents, corrects,
             jsonb_typeof(config) FROM revenue_split.runs WHERE run_id = (SELECT run_id FROM a)$$,
    $$VALUES ('adopted'::text, 'monthly'::text, date '2025-03-01', date '2025-04-01', 'revenue_split_monthly'::text, 10001::bigint,
              10002::bigint, -1::bigint, NULL::bigint, 'object'::text)$$,
    'adopt: the runs row (status adopted, the configuration recorded)');
SELECT is(pg_temp.ledger(), (SELECT s FROM ledger0), 'adopt: nothing written to transactions or users');
SELECT results_eq(
    $$SELECT r.transaction_id, r.run_id = (SELECT run_id FROM a) FROM revenue_split.adopted_rows r ORDER BY 1$$,
    $$SELECT id, true FROM public.transactions WHERE payment_type = 'revenue_split_monthly' AND amount_cents = 3334 ORDER BY id$$,
    'adopt: revenue_split.adopted_rows records the three rows it counted, with the run');
SELECT results_eq(
    $$SELECT creator_id, earned_cents, paid_cents, owed_cents FROM revenue_split.balances
       WHERE earned_cents <> 0 OR paid_cents <> 0 OR owed_cents <> 0 ORDER BY creator_id$$,
    $$VALUES (1::bigint, 3334::bigint, 3334::bigint, 0::bigint), (2, 3334, 3334, 0), (3, 3334, 3334, 0)$$,
    'adopt: earned = paid = 3,334 per recipient (the 777, 999, bonus and outflow rows are not matched)');

-- ==== the month now behaves as committed ====
SELECT results_eq($$SELECT run_id, status, pool_cents FROM revenue_split_commit(10001, 2025, 3)$$,
    $$SELECT run_id, 'skipped'::text, 10001::bigint FROM a$$, 'commit of the adopted month with its pool: skipped');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(10000, 2025, 3)$$, '23505', NULL,
    'commit of the adopted month with another pool: 23505');
SELECT matches(pg_temp.refusal($$SELECT * FROM revenue_split_commit(10000, 2025, 3)$$), '^23505 \| .*pool',
    'the 23505 message names pool');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 3, 10001, '2025-04-01 00:00:00+00', '2025-04-02 00:00:00+00')$$, '22023', NULL,
    'adopting the same month again: 22023 (the key already has a run)');
-- Another key whose window takes in the same rows (a daily key of payment type
-- revenue_split_monthly): a payment is adopted once, so it is refused, naming the run.
SELECT matches(pg_temp.refusal($$SELECT * FROM revenue_split_adopt_day('2025-03-31', 10001, '2025-03-31 00:00:00+00', '2025-04-03 00:00:00+00', 'revenue_split_monthly')$$),
    '^22023 \| 3 of the matching transactions rows were already adopted, by run ' || (SELECT run_id FROM a) || ' \|',
    'adopting rows adopted before (another key, an overlapping window): 22023 naming how many and the run');
SELECT is(pg_temp.ledger(), (SELECT s FROM ledger0), 'skipped and refused calls wrote nothing to the ledger');
SELECT is((SELECT count(*) FROM revenue_split.runs), 1::bigint, 'still one run');
SELECT is((SELECT count(*) FROM revenue_split.adopted_rows), 3::bigint, 'still three adopted rows');

-- ==== preview the correction: the KYC -1 clawback ====
-- Recomputed with the recorded (default) configuration: K (KYC -1) cap 0 -> 0; A and B unlimited share
-- 10,001: 5,000.5 each -> floors 5,000 + 5,000, the cent to the tie's smaller id (A) -> A 5,001, B 5,000.
-- deltas: A 5,001 - 3,334 = +1,667; K 0 - 3,334 = -3,334; B 5,000 - 3,334 = +1,666 (Σ -1: the overpaid cent).
SELECT results_eq(
    $$SELECT creator_id, earned_cents, target_cents, delta_cents, round(units::numeric, 9), kyc_level, cap_cents
        FROM revenue_split_preview_correction(2025, 3) ORDER BY creator_id$$,
    $$VALUES (1::bigint, 3334::bigint, 5001::bigint, 1667::bigint, 10.1::numeric, 3, NULL::bigint),
             (2, 3334, 0, -3334, 10.1, -1, 0),
             (3, 3334, 5000, 1666, 10.1, 3, NULL)$$,
    'preview_correction: the KYC -1 creator''s 3,334 is clawed back, the others get 1,667 and 1,666');
SELECT is(pg_temp.ledger(), (SELECT s FROM ledger0), 'preview_correction wrote nothing');

-- ==== post it ====
SELECT results_eq(
    $$SELECT status, corrects_run_id = (SELECT run_id FROM a), period_start, period_end, pool_cents, creators_changed,
             credited_cents, debited_cents, allocated_cents, unallocated_cents FROM revenue_split_correct(2025, 3)$$,
    $$VALUES ('corrected'::text, true, date '2025-03-01', date '2025-04-01', 10001::bigint, 3, 3333::bigint, 3334::bigint,
              10001::bigint, 0::bigint)$$,
    'correct: credited 1,667 + 1,666 = 3,333, debited 3,334, allocated 10,001 (the pool), unallocated 0');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type, status, direction FROM public.transactions
       WHERE id > (SELECT m FROM tx_before) ORDER BY recipient$$,
    $$VALUES (1::bigint, 1667, 'revenue_split_monthly_adjustment', 'pending', 'inflow'),
             (2, 3334, 'revenue_split_monthly_adjustment', 'pending', 'outflow'),
             (3, 1666, 'revenue_split_monthly_adjustment', 'pending', 'inflow')$$,
    'correct: the clawback of 3,334 is an outflow row; 1,667 and 1,666 are inflows');
SELECT results_eq($$SELECT id, current_balance FROM public.users WHERE id IN (1, 2, 3) ORDER BY id$$,
    $$VALUES (1::bigint, 5001::bigint), (2, 0), (3, 5000)$$,
    'correct: balances 3,334 + 1,667, 3,334 - 3,334, 3,334 + 1,666');
SELECT results_eq(
    $$SELECT creator_id, earned_cents, paid_cents, owed_cents FROM revenue_split.balances
       WHERE earned_cents <> 0 OR paid_cents <> 0 OR owed_cents <> 0 ORDER BY creator_id$$,
    $$VALUES (1::bigint, 5001::bigint, 5001::bigint, 0::bigint), (3, 5000, 5000, 0)$$,
    'correct: balances view A 5,001, K 0, B 5,000');
SELECT results_eq($$SELECT status, creators_changed FROM revenue_split_correct(2025, 3)$$,
    $$VALUES ('unchanged'::text, 0)$$, 'a second correction is unchanged');
SELECT results_eq($$SELECT run_id, status FROM revenue_split_commit(10001, 2025, 3)$$,
    $$SELECT run_id, 'skipped'::text FROM a$$, 'after the correction the month is still skipped by a commit');

-- ==== adopt_day ====
-- 2025-05-12, pool 5,000, the script's rows of 2025-05-13 02:00: 2,500 + 2,500 -> allocated 5,000, unallocated 0.
CREATE TEMP TABLE ad AS
    SELECT * FROM revenue_split_adopt_day('2025-05-12', 5000, '2025-05-13 00:00:00+00', '2025-05-14 00:00:00+00');
SELECT results_eq(
    $$SELECT status, period_start, period_end, pool_cents, creators, allocated_cents, unallocated_cents, paid_cents, owed_cents FROM ad$$,
    $$VALUES ('adopted'::text, date '2025-05-12', date '2025-05-13', 5000::bigint, 2, 5000::bigint, 0::bigint, 5000::bigint, 0::bigint)$$,
    'adopt_day: the day is adopted (default payment_type revenue_split)');
SELECT results_eq(
    $$SELECT status, kind, payment_type, pool_cents FROM revenue_split.runs WHERE run_id = (SELECT run_id FROM ad)$$,
    $$VALUES ('adopted'::text, 'daily'::text, 'revenue_split'::text, 5000::bigint)$$,
    'adopt_day: a daily run of payment_type revenue_split');
SELECT results_eq($$SELECT run_id, status FROM revenue_split_run(5000, '2025-05-12')$$,
    $$SELECT run_id, 'skipped'::text FROM ad$$, 'adopt_day: the daily run of that day is skipped');
SELECT throws_ok($$SELECT * FROM revenue_split_run(4000, '2025-05-12')$$, '23505', NULL,
    'adopt_day: the daily run with another pool -> 23505');
-- X (KYC 1, cap 5,000) and Y 10.1 each: 2,500 each, as the script paid: nothing to correct.
SELECT results_eq(
    $$SELECT creator_id, earned_cents, target_cents, delta_cents, kyc_level, cap_cents FROM revenue_split_preview_correction_day('2025-05-12') ORDER BY creator_id$$,
    $$VALUES (4::bigint, 2500::bigint, 2500::bigint, 0::bigint, 1, 5000::bigint), (5, 2500, 2500, 0, 3, NULL)$$,
    'adopt_day: the SPEC agrees with the script on that day');
SELECT results_eq($$SELECT status FROM revenue_split_correct_day('2025-05-12')$$, $$VALUES ('unchanged'::text)$$,
    'adopt_day: its correction is unchanged');
-- 2025-05-13 with a custom payment type: X's 100
CREATE TEMP TABLE ad2 AS
    SELECT * FROM revenue_split_adopt_day('2025-05-13', 100, '2025-05-14 00:00:00+00', '2025-05-15 00:00:00+00', 'daily_payout');
SELECT results_eq($$SELECT status, creators, allocated_cents, unallocated_cents FROM ad2$$,
    $$VALUES ('adopted'::text, 1, 100::bigint, 0::bigint)$$, 'adopt_day with payment_type daily_payout');
SELECT results_eq($$SELECT run_id, status FROM revenue_split_run(100, '2025-05-13', 'daily_payout')$$,
    $$SELECT run_id, 'skipped'::text FROM ad2$$, 'adopt_day: the key (daily, 2025-05-13, daily_payout) is taken');

-- ==== a recipient with no users row ====
-- The script's daily payout of 2025-05-20 (pool 2,010): creator 6 (KYC 3, 10 views) 2,000, and
-- 10 cents to recipient 9, which has no users row. The SPEC gives 6 all of it (9 has no units,
-- and no users row means cap 0): the correction pays 6 +10 and claws 10 back from 9, as an
-- outflow row, with no balance to lower. (Before 0.3.0 shipped, this was an internal error.)
INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES (6, 2000, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES (61, 6, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 61, 'view', timestamptz '2025-05-20 10:00:00+00' + g * interval '1 minute', 'd61-' || g, 'i61-' || g
FROM generate_series(1, 10) g;
INSERT INTO public.transactions (created_at, recipient, amount_cents, payment_type, status, direction) VALUES
    ('2025-05-21 02:00:00+00', 6, 2000, 'revenue_split', 'pending', 'inflow'),
    ('2025-05-21 02:00:01+00', 9, 10, 'revenue_split', 'pending', 'inflow');
INSERT INTO adopted_ids SELECT id FROM public.transactions WHERE created_at >= '2025-05-21 00:00:00+00' AND created_at < '2025-05-22 00:00:00+00';
SELECT results_eq(
    $$SELECT status, creators, allocated_cents, unallocated_cents
        FROM revenue_split_adopt_day('2025-05-20', 2010, '2025-05-21 00:00:00+00', '2025-05-22 00:00:00+00')$$,
    $$VALUES ('adopted'::text, 2, 2010::bigint, 0::bigint)$$,
    'no users row: a recipient without one is adopted like the others');
SELECT results_eq(
    $$SELECT creator_id, earned_cents, target_cents, delta_cents, kyc_level, cap_cents
        FROM revenue_split_preview_correction_day('2025-05-20') ORDER BY creator_id$$,
    $$VALUES (6::bigint, 2000::bigint, 2010::bigint, 10::bigint, 3, NULL::bigint), (9, 10, 0, -10, NULL, 0)$$,
    'no users row: the correction preview gives 6 +10 and 9 -10');
CREATE TEMP TABLE tx_mark9 AS SELECT max(id) AS m FROM public.transactions;
SELECT results_eq(
    $$SELECT status, creators_changed, credited_cents, debited_cents, allocated_cents, unallocated_cents
        FROM revenue_split_correct_day('2025-05-20')$$,
    $$VALUES ('corrected'::text, 2, 10::bigint, 10::bigint, 2010::bigint, 0::bigint)$$,
    'no users row: the correction is made');
SELECT results_eq(
    $$SELECT recipient, amount_cents, payment_type, status, direction FROM public.transactions
       WHERE id > (SELECT m FROM tx_mark9) ORDER BY recipient$$,
    $$VALUES (6::bigint, 10, 'revenue_split_adjustment'::text, 'pending'::text, 'inflow'::text),
             (9, 10, 'revenue_split_adjustment', 'pending', 'outflow')$$,
    'no users row: an inflow of 10 to 6, and the clawback of 10 from 9 as an outflow row');
SELECT results_eq($$SELECT id, current_balance FROM public.users WHERE id IN (6, 9) ORDER BY id$$,
    $$VALUES (6::bigint, 2010::bigint)$$,
    'no users row: 6''s balance rises by 10; no users row 9 appears');
SELECT results_eq(
    $$SELECT creator_id, earned_cents, paid_cents, owed_cents FROM revenue_split.balances WHERE creator_id IN (6, 9) ORDER BY creator_id$$,
    $$VALUES (6::bigint, 2010::bigint, 2010::bigint, 0::bigint), (9, 0, 0, 0)$$,
    'no users row: 6 earned and was paid 2,010; 9 earned and was paid 0 in the end');

-- ==== rows revenue_split wrote itself are never adopted ====
-- The extension's own daily run of 2025-03-10 (pool 300), under over_cap = hold: A, K and B earn
-- 100 each; A and B are paid (rows of payment type revenue_split written at now()), K (KYC -1,
-- cap 0) stays owed 100. A window around now() matches only the two rows: nothing another
-- system paid, so the adoption is refused and says why.
INSERT INTO revenue_split.config (over_cap) VALUES ('hold')
ON CONFLICT (singleton) DO UPDATE SET over_cap = 'hold';
CREATE TEMP TABLE own AS SELECT * FROM revenue_split_run(300, '2025-03-10');
SELECT results_eq($$SELECT status, creators, allocated_cents, paid_cents, owed_cents FROM own$$,
    $$VALUES ('committed'::text, 3, 300::bigint, 200::bigint, 100::bigint)$$,
    'own rows: the extension pays 2025-03-10 itself (K keeps 100 owed)');
SELECT matches(pg_temp.refusal($$SELECT * FROM revenue_split_adopt_day('2025-03-11', 500, now() - interval '1 hour', now() + interval '1 hour')$$),
    '^22023 \| no transactions row of another system matches: the 2 inflows with payment_type ''revenue_split'' created in \[paid_from, paid_to\) were written by revenue_split itself \| Nothing was written',
    'own rows: a window with only the extension''s own rows is refused, saying so');
-- A row of the other system in the same window (recipient 6, 123): only it is adopted.
INSERT INTO public.transactions (created_at, recipient, amount_cents, payment_type, status, direction)
VALUES (now(), 6, 123, 'revenue_split', 'pending', 'inflow');
INSERT INTO adopted_ids SELECT max(id) FROM public.transactions;
CREATE TEMP TABLE ad3 AS
    SELECT * FROM revenue_split_adopt_day('2025-03-11', 500, now() - interval '1 hour', now() + interval '1 hour');
SELECT results_eq(
    $$SELECT status, creators, allocated_cents, unallocated_cents, paid_cents, owed_cents FROM ad3$$,
    $$VALUES ('adopted'::text, 1, 123::bigint, 377::bigint, 123::bigint, 100::bigint)$$,
    'own rows: with another system''s row in the window, only that row is adopted; owed_cents is K''s 100 owed');
SELECT is((SELECT owed_cents FROM revenue_split.runs WHERE run_id = (SELECT run_id FROM ad3)), 100::bigint,
    'own rows: the adopted run stores the same owed_cents');
DELETE FROM revenue_split.config;
SELECT results_eq(
    $$SELECT a.creator_id, a.amount_cents FROM revenue_split.allocations a JOIN revenue_split.runs r USING (run_id)
       WHERE r.status = 'adopted' AND r.period_start = '2025-03-11'$$,
    $$VALUES (6::bigint, 123::bigint)$$,
    'own rows: the adopted run has one allocation, recipient 6''s 123');

-- ==== invariants ====
SELECT is_empty($$SELECT * FROM revenue_split.balances WHERE earned_cents <> paid_cents + owed_cents$$,
    'invariant: earned = paid + owed');
-- paid = Σ signed rows that were adopted or written by the extension
SELECT is_empty(
    $$SELECT coalesce(b.creator_id, t.recipient) FROM revenue_split.balances b
        FULL JOIN (SELECT recipient, sum(CASE direction WHEN 'inflow' THEN amount_cents ELSE -amount_cents END) AS s
                     FROM public.transactions
                    WHERE id IN (SELECT id FROM adopted_ids) OR id > (SELECT m FROM tx_before) GROUP BY recipient) t
          ON t.recipient = b.creator_id
       WHERE coalesce(b.paid_cents, 0) <> coalesce(t.s, 0)$$,
    'invariant: paid = Σ signed adopted and extension-written rows, per creator');
-- X 2,500 + 100, Y 2,500
SELECT results_eq(
    $$SELECT creator_id, earned_cents, paid_cents, owed_cents FROM revenue_split.balances WHERE creator_id IN (4, 5) ORDER BY creator_id$$,
    $$VALUES (4::bigint, 2600::bigint, 2600::bigint, 0::bigint), (5, 2500, 2500, 0)$$,
    'balances of the adopted days: X 2,600, Y 2,500');
SELECT results_eq(
    $$SELECT status, count(*) FROM revenue_split.runs GROUP BY status ORDER BY status$$,
    $$VALUES ('adopted'::text, 5::bigint), ('committed', 1), ('correction', 2)$$,
    'runs: 5 adopted, 1 committed, 2 corrections');

SELECT * FROM finish();
ROLLBACK;

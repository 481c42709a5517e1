-- Scenario group: refused arguments of the 0.3.0 money functions (SPEC §8, §9, §10, §11): every bad
-- argument of revenue_split_correct / _correct_day / _preview_correction / _preview_correction_day /
-- _statement / _adopt / _adopt_day raises SQLSTATE 22023 naming the argument, and nothing is
-- written. Then the 0.3.0 run-key rules of §6.2: a month is paid at most once whatever the
-- configured monthly_payment_type is now, and a repeat with another pool is refused with 23505
-- (message naming pool, the earlier run and both values; hint naming revenue_split_correct).
--
-- Fixture ("simple" creator-days, units = 1.01 * views):
--   users 1 (KYC 3, balance 10), 2 (KYC 1, balance NULL); videos 11 -> 1, 21 -> 2 (created_at NULL)
--   2025-06-10: 11: 10 views, 21: 10 views
--   today 00:00 UTC (the current month): 11: 10 views
--   committed before the refusals: June 2025 (pool 1,000: 500 + 500) and the daily run of 2025-06-10
--   (pool 1,000, revenue_split: 500 + 500)
--   a legacy ledger row: 2025-05-02 03:00 UTC, recipient 1, 700, revenue_split_monthly, inflow (May 2025
--   is not committed)
--
-- Reading (question for the lead): revenue_split_preview_correction(_day) of a period without a
-- committed run is refused like the correction itself (22023, "nothing to correct").
BEGIN;
SELECT plan(96);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 10, 3, NULL, false), (2, NULL, 1, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES (11, 1, NULL), (21, 2, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT x.v, 'view', x.t + g * interval '1 second', 'd' || x.v || '-' || x.t || '-' || g, 'i' || x.v || '-' || x.t || '-' || g
FROM (VALUES (11, timestamptz '2025-06-10 10:00:00+00'), (21, timestamptz '2025-06-10 10:00:00+00'),
             (11, date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')) AS x(v, t),
     generate_series(1, 10) g;
INSERT INTO public.transactions (created_at, recipient, amount_cents, payment_type, status, direction) VALUES
    ('2025-05-02 03:00:00+00', 1, 700, 'revenue_split_monthly', 'pending', 'inflow');

CREATE TEMP TABLE june AS SELECT * FROM revenue_split_commit(1000, 2025, 6);
CREATE TEMP TABLE day10 AS SELECT * FROM revenue_split_run(1000, '2025-06-10');

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
CREATE FUNCTION pg_temp.state() RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.rs_rows() || ' ' || (SELECT count(*) || '/' || coalesce(sum(amount_cents), 0) FROM public.transactions) || ' '
        || (SELECT string_agg(id || ':' || coalesce(current_balance::text, 'NULL'), ',' ORDER BY id) FROM public.users)
$$;
CREATE FUNCTION pg_temp.refusal(q text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE st text; msg text; det text; hnt text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
    RETURN st || ' | ' || msg || ' | ' || coalesce(det, '') || ' | ' || coalesce(hnt, '');
END $f$;

SELECT results_eq($$SELECT status, allocated_cents FROM june UNION ALL SELECT status, allocated_cents FROM day10$$,
    $$VALUES ('committed'::text, 1000::bigint), ('committed', 1000)$$, 'fixture: June 2025 and 2025-06-10 are committed');
CREATE TEMP TABLE before AS SELECT pg_temp.state() AS s;

-- ---- revenue_split_correct(year, month, pool) ----
SELECT throws_ok($$SELECT * FROM revenue_split_correct(2025, 6, -1)$$, '22023', NULL, 'correct: negative pool');
SELECT throws_ok($$SELECT * FROM revenue_split_correct(2025, 6, -9223372036854775808)$$, '22023', NULL, 'correct: pool -2^63');
SELECT throws_ok($$SELECT * FROM revenue_split_correct(2025, 0)$$, '22023', NULL, 'correct: month 0');
SELECT throws_ok($$SELECT * FROM revenue_split_correct(2025, 13)$$, '22023', NULL, 'correct: month 13');
SELECT throws_ok($$SELECT * FROM revenue_split_correct(2025, -1, 100)$$, '22023', NULL, 'correct: month -1');
SELECT throws_ok($$SELECT * FROM revenue_split_correct(0, 6)$$, '22023', NULL, 'correct: year 0');
SELECT throws_ok($$SELECT * FROM revenue_split_correct(10000, 6)$$, '22023', NULL, 'correct: year 10000');
SELECT throws_ok($$SELECT * FROM revenue_split_correct(NULL, 6)$$, '22023', NULL, 'correct: NULL year');
SELECT throws_ok($$SELECT * FROM revenue_split_correct(2025, NULL)$$, '22023', NULL, 'correct: NULL month');
SELECT throws_ok(
    format($$SELECT * FROM revenue_split_correct(%s, %s)$$,
           extract(year FROM now() AT TIME ZONE 'UTC')::int, extract(month FROM now() AT TIME ZONE 'UTC')::int),
    '22023', NULL, 'correct: the current month has not ended');
SELECT throws_ok($$SELECT * FROM revenue_split_correct(2025, 5)$$, '22023', NULL, 'correct: May 2025 was never committed');
SELECT throws_ok($$SELECT * FROM revenue_split_correct(2025, 5, 1000)$$, '22023', NULL, 'correct: never committed, with a pool');
SELECT throws_ok($$SELECT * FROM revenue_split_correct(2024, 6)$$, '22023', NULL, 'correct: June 2024 was never committed');

-- ---- revenue_split_correct_day(day, payment_type, pool) ----
SELECT throws_ok($$SELECT * FROM revenue_split_correct_day(NULL)$$, '22023', NULL, 'correct_day: NULL day');
SELECT throws_ok($$SELECT * FROM revenue_split_correct_day('infinity')$$, '22023', NULL, 'correct_day: infinity');
SELECT throws_ok($$SELECT * FROM revenue_split_correct_day('-infinity')$$, '22023', NULL, 'correct_day: -infinity');
SELECT throws_ok($$SELECT * FROM revenue_split_correct_day('2025-06-10', 'revenue_split', -1)$$, '22023', NULL, 'correct_day: negative pool');
SELECT throws_ok($$SELECT * FROM revenue_split_correct_day('2025-06-10', NULL)$$, '22023', NULL, 'correct_day: NULL payment_type');
SELECT throws_ok($$SELECT * FROM revenue_split_correct_day('2025-06-10', '')$$, '22023', NULL, 'correct_day: empty payment_type');
SELECT throws_ok(format($$SELECT * FROM revenue_split_correct_day(%L)$$, (now() AT TIME ZONE 'UTC')::date),
    '22023', NULL, 'correct_day: today (UTC) has not ended');
SELECT throws_ok(format($$SELECT * FROM revenue_split_correct_day(%L)$$, (now() AT TIME ZONE 'UTC')::date + 1),
    '22023', NULL, 'correct_day: tomorrow');
SELECT throws_ok($$SELECT * FROM revenue_split_correct_day('2025-06-11')$$, '22023', NULL, 'correct_day: a day never committed');
SELECT throws_ok($$SELECT * FROM revenue_split_correct_day('2025-06-10', 'bonus')$$, '22023', NULL,
    'correct_day: the committed day under another payment_type (another key) has nothing to correct');

-- ---- revenue_split_preview_correction(year, month, pool) / _day(day, payment_type, pool) ----
SELECT throws_ok($$SELECT * FROM revenue_split_preview_correction(2025, 6, -1)$$, '22023', NULL, 'preview_correction: negative pool');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_correction(2025, 0)$$, '22023', NULL, 'preview_correction: month 0');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_correction(2025, 13)$$, '22023', NULL, 'preview_correction: month 13');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_correction(NULL, 6)$$, '22023', NULL, 'preview_correction: NULL year');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_correction(2025, NULL)$$, '22023', NULL, 'preview_correction: NULL month');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_correction(10000, 6)$$, '22023', NULL, 'preview_correction: year 10000');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_correction(2025, 5)$$, '22023', NULL, 'preview_correction: nothing to correct');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_correction_day(NULL)$$, '22023', NULL, 'preview_correction_day: NULL day');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_correction_day('infinity')$$, '22023', NULL, 'preview_correction_day: infinity');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_correction_day('2025-06-10', 'revenue_split', -1)$$, '22023', NULL,
    'preview_correction_day: negative pool');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_correction_day('2025-06-10', NULL)$$, '22023', NULL,
    'preview_correction_day: NULL payment_type');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_correction_day('2025-06-10', '')$$, '22023', NULL,
    'preview_correction_day: empty payment_type');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_correction_day('2025-06-11')$$, '22023', NULL,
    'preview_correction_day: nothing to correct');

-- ---- revenue_split_statement(run_id, creator_id) ----
SELECT throws_ok($$SELECT * FROM revenue_split_statement(NULL)$$, '22023', NULL, 'statement: NULL run_id');
SELECT throws_ok($$SELECT * FROM revenue_split_statement(NULL, 1)$$, '22023', NULL, 'statement: NULL run_id with a creator');
SELECT throws_ok($$SELECT * FROM revenue_split_statement(0)$$, '22023', NULL, 'statement: run 0 does not exist');
SELECT throws_ok($$SELECT * FROM revenue_split_statement(9223372036854775807)$$, '22023', NULL, 'statement: an unknown run');

-- ---- revenue_split_adopt(year, month, pool, paid_from, paid_to, payment_type) ----
-- May 2025 (not committed) has a matching row: [2025-05-01, 2025-06-01) holds the 700.
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 5, NULL, '2025-05-01 00:00+00', '2025-06-01 00:00+00')$$, '22023', NULL,
    'adopt: NULL pool');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 5, -1, '2025-05-01 00:00+00', '2025-06-01 00:00+00')$$, '22023', NULL,
    'adopt: negative pool');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 0, 700, '2025-05-01 00:00+00', '2025-06-01 00:00+00')$$, '22023', NULL,
    'adopt: month 0');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 13, 700, '2025-05-01 00:00+00', '2025-06-01 00:00+00')$$, '22023', NULL,
    'adopt: month 13');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(NULL, 5, 700, '2025-05-01 00:00+00', '2025-06-01 00:00+00')$$, '22023', NULL,
    'adopt: NULL year');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, NULL, 700, '2025-05-01 00:00+00', '2025-06-01 00:00+00')$$, '22023', NULL,
    'adopt: NULL month');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(0, 5, 700, '2025-05-01 00:00+00', '2025-06-01 00:00+00')$$, '22023', NULL,
    'adopt: year 0');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 5, 700, '2025-05-02 03:00+00', '2025-05-02 03:00+00')$$, '22023', NULL,
    'adopt: paid_from = paid_to');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 5, 700, '2025-06-01 00:00+00', '2025-05-01 00:00+00')$$, '22023', NULL,
    'adopt: paid_from > paid_to');
SET LOCAL TimeZone = 'UTC';  -- the message prints the timestamps as the session would
SELECT matches(split_part(pg_temp.refusal($$SELECT * FROM revenue_split_adopt(2025, 5, 700, '2025-06-01 00:00+00', '2025-05-01 00:00+00')$$), ' | ', 2),
    '^invalid paid_from: 2025-06-01 00:00:00\+00 \(not before paid_to 2025-05-01 00:00:00\+00\)',
    'adopt: paid_from > paid_to names both as timestamps');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 5, 700, NULL, '2025-06-01 00:00+00')$$, '22023', NULL,
    'adopt: NULL paid_from');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 5, 700, '2025-05-01 00:00+00', NULL)$$, '22023', NULL,
    'adopt: NULL paid_to');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 5, 700, '2025-05-03 00:00+00', '2025-06-01 00:00+00')$$, '22023', NULL,
    'adopt: no transactions row in the window');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 5, 700, '2025-05-01 00:00+00', '2025-05-02 03:00+00')$$, '22023', NULL,
    'adopt: no row (the only one is exactly at paid_to: the window is half-open)');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 5, 700, '2025-05-01 00:00+00', '2025-06-01 00:00+00', 'bonus')$$, '22023', NULL,
    'adopt: no row of that payment_type');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 5, 700, '2025-05-01 00:00+00', '2025-06-01 00:00+00', NULL)$$, '22023', NULL,
    'adopt: NULL payment_type');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 5, 700, '2025-05-01 00:00+00', '2025-06-01 00:00+00', '')$$, '22023', NULL,
    'adopt: empty payment_type');
-- Inflow rows of a recipient that sum below zero: refused (22023) naming the recipient, not a
-- CHECK violation of revenue_split.allocations.
INSERT INTO public.transactions (created_at, recipient, amount_cents, payment_type, status, direction) VALUES
    ('2025-04-02 03:00:00+00', 2, -40, 'legacy_neg', 'pending', 'inflow');
SELECT matches(pg_temp.refusal($$SELECT * FROM revenue_split_adopt(2025, 3, 700, '2025-04-01 00:00+00', '2025-05-01 00:00+00', 'legacy_neg')$$),
    '^22023 \| the matching inflow rows of recipient 2 sum to -40 cents',
    'adopt: a negative sum is refused with 22023 naming the recipient and the sum');
DELETE FROM public.transactions WHERE payment_type = 'legacy_neg';
-- June 2025 is committed; its own rows (created now(), revenue_split_monthly) would match the window.
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 6, 1000, now() - interval '1 hour', now() + interval '1 hour')$$, '22023', NULL,
    'adopt: the month already has a run');

-- ---- revenue_split_adopt_day(day, pool, paid_from, paid_to, payment_type) ----
-- 2025-05-01 (no run) with the same legacy row under payment_type revenue_split_monthly
SELECT throws_ok($$SELECT * FROM revenue_split_adopt_day(NULL, 700, '2025-05-02 00:00+00', '2025-05-03 00:00+00', 'revenue_split_monthly')$$,
    '22023', NULL, 'adopt_day: NULL day');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt_day('infinity', 700, '2025-05-02 00:00+00', '2025-05-03 00:00+00', 'revenue_split_monthly')$$,
    '22023', NULL, 'adopt_day: infinity');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt_day('2025-05-01', NULL, '2025-05-02 00:00+00', '2025-05-03 00:00+00', 'revenue_split_monthly')$$,
    '22023', NULL, 'adopt_day: NULL pool');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt_day('2025-05-01', -1, '2025-05-02 00:00+00', '2025-05-03 00:00+00', 'revenue_split_monthly')$$,
    '22023', NULL, 'adopt_day: negative pool');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt_day('2025-05-01', 700, '2025-05-03 00:00+00', '2025-05-02 00:00+00', 'revenue_split_monthly')$$,
    '22023', NULL, 'adopt_day: paid_from > paid_to');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt_day('2025-05-01', 700, '2025-05-02 00:00+00', '2025-05-02 00:00+00', 'revenue_split_monthly')$$,
    '22023', NULL, 'adopt_day: paid_from = paid_to');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt_day('2025-05-01', 700, '2025-05-02 00:00+00', '2025-05-03 00:00+00')$$,
    '22023', NULL, 'adopt_day: no row of the default payment_type revenue_split');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt_day('2025-05-01', 700, '2025-05-02 00:00+00', '2025-05-03 00:00+00', NULL)$$,
    '22023', NULL, 'adopt_day: NULL payment_type');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt_day('2025-05-01', 700, '2025-05-02 00:00+00', '2025-05-03 00:00+00', '')$$,
    '22023', NULL, 'adopt_day: empty payment_type');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt_day('2025-06-10', 1000, now() - interval '1 hour', now() + interval '1 hour')$$,
    '22023', NULL, 'adopt_day: the day already has a run (revenue_split)');

-- ---- the messages name the argument ----
SELECT is_empty(
    $$SELECT q, pg_temp.refusal(q) FROM (VALUES
        ('SELECT * FROM revenue_split_correct(2025, 6, -1)', 'pool'),
        ('SELECT * FROM revenue_split_correct(2025, 13)', 'month'),
        ('SELECT * FROM revenue_split_correct(NULL, 6)', 'year'),
        ('SELECT * FROM revenue_split_correct_day(NULL)', 'day'),
        ('SELECT * FROM revenue_split_correct_day(''2025-06-10'', NULL)', 'payment_type'),
        ('SELECT * FROM revenue_split_correct_day(''2025-06-10'', ''revenue_split'', -5)', 'pool'),
        ('SELECT * FROM revenue_split_preview_correction(2025, 0)', 'month'),
        ('SELECT * FROM revenue_split_preview_correction_day(''2025-06-10'', ''revenue_split'', -1)', 'pool'),
        ('SELECT * FROM revenue_split_statement(NULL)', 'run_id'),
        ('SELECT * FROM revenue_split_adopt(2025, 5, NULL, ''2025-05-01 00:00+00'', ''2025-06-01 00:00+00'')', 'pool'),
        ('SELECT * FROM revenue_split_adopt(2025, 5, 700, ''2025-06-01 00:00+00'', ''2025-05-01 00:00+00'')', 'paid_from'),
        ('SELECT * FROM revenue_split_adopt(2025, 13, 700, ''2025-05-01 00:00+00'', ''2025-06-01 00:00+00'')', 'month'),
        ('SELECT * FROM revenue_split_adopt_day(NULL, 700, ''2025-05-02 00:00+00'', ''2025-05-03 00:00+00'')', 'day'),
        ('SELECT * FROM revenue_split_adopt_day(''2025-05-01'', 700, ''2025-05-02 00:00+00'', ''2025-05-03 00:00+00'', '''')', 'payment_type')
      ) AS x(q, arg)
      WHERE split_part(pg_temp.refusal(q), ' | ', 1) <> '22023' OR split_part(pg_temp.refusal(q), ' | ', 2) !~ ('\m' || arg || '\M')$$,
    'every refusal is 22023 and its message names the argument');
SELECT matches(pg_temp.refusal($$SELECT * FROM revenue_split_correct(2025, 5)$$), '^22023 \| .*nothing to correct',
    'correct of an uncommitted month: "nothing to correct"');
SELECT matches(split_part(pg_temp.refusal($$SELECT * FROM revenue_split_correct(2025, 5)$$), ' | ', 4), 'commit',
    'correct of an uncommitted month: the hint says to commit it');
SELECT matches(pg_temp.refusal($$SELECT * FROM revenue_split_correct_day('2025-06-11')$$), '^22023 \| .*nothing to correct',
    'correct_day of an uncommitted day: "nothing to correct"');
SELECT matches(pg_temp.refusal(format($$SELECT * FROM revenue_split_correct_day(%L)$$, (now() AT TIME ZONE 'UTC')::date)),
    '^22023 \| .*not ended', 'correct_day of today: "has not ended"');

-- ---- nothing was written by any refused call ----
SELECT is(pg_temp.state(), (SELECT s FROM before), 'the refusals wrote nothing (extension tables, transactions, balances)');
SELECT is((SELECT count(*) FROM revenue_split.runs), 2::bigint, 'still two runs');
SELECT is((SELECT count(*) FROM public.transactions), 5::bigint, 'still 1 legacy + 2 + 2 ledger rows');

-- ---- accepted boundaries ----
-- pool NULL is not a refusal for a correction: it means "the latest pool of the key" (here the
-- original 1,000); with the data unchanged the correction is `unchanged`.
SELECT results_eq($$SELECT status, pool_cents FROM revenue_split_correct(2025, 6)$$,
    $$VALUES ('unchanged'::text, 1000::bigint)$$, 'correct with pool NULL: the original pool, unchanged');
SELECT results_eq($$SELECT status, pool_cents FROM revenue_split_correct(2025, 6, 1000)$$,
    $$VALUES ('unchanged'::text, 1000::bigint)$$, 'correct with the same pool: unchanged');
SELECT results_eq($$SELECT status FROM revenue_split_correct_day('2025-06-10', 'revenue_split', NULL)$$,
    $$VALUES ('unchanged'::text)$$, 'correct_day with pool NULL: unchanged');
SELECT is(pg_temp.state(), (SELECT s FROM before), 'unchanged corrections wrote nothing');
-- adopt of May 2025 with the legacy row (700) is accepted: pool 700 -> allocated 700, unallocated 0.
SELECT results_eq(
    $$SELECT status, period_start, pool_cents, creators, allocated_cents, unallocated_cents
        FROM revenue_split_adopt(2025, 5, 700, '2025-05-01 00:00+00', '2025-06-01 00:00+00')$$,
    $$VALUES ('adopted'::text, date '2025-05-01', 700::bigint, 1, 700::bigint, 0::bigint)$$,
    'adopt of May 2025 with its legacy row is accepted');
SELECT throws_ok($$SELECT * FROM revenue_split_adopt(2025, 5, 700, '2025-05-01 00:00+00', '2025-06-01 00:00+00')$$, '22023', NULL,
    'adopt of May 2025 again: the key already has a run');

-- ---- a month is paid at most once, whatever monthly_payment_type is now (SPEC §6.2, 0.3.0) ----
INSERT INTO revenue_split.config (monthly_payment_type) VALUES ('monthly_v2')
ON CONFLICT (singleton) DO UPDATE SET monthly_payment_type = EXCLUDED.monthly_payment_type;
CREATE TEMP TABLE before2 AS SELECT pg_temp.state() AS s;
SELECT results_eq($$SELECT run_id, status FROM revenue_split_commit(1000, 2025, 6)$$,
    $$SELECT run_id, 'skipped'::text FROM june$$,
    'after monthly_payment_type changed to monthly_v2: June 2025 is skipped (the earlier run)');
SELECT is((SELECT count(*) FROM public.transactions WHERE payment_type = 'monthly_v2'), 0::bigint, 'June is not paid again as monthly_v2');

-- ---- a repeat with another pool: 23505 ----
SELECT throws_ok($$SELECT * FROM revenue_split_commit(2000, 2025, 6)$$, '23505', NULL, 'commit of June with another pool: 23505');
SELECT throws_ok($$SELECT * FROM revenue_split_run(2000, '2025-06-10')$$, '23505', NULL, 'daily run of 2025-06-10 with another pool: 23505');
SELECT matches(pg_temp.refusal($$SELECT * FROM revenue_split_commit(2000, 2025, 6)$$), '^23505 \| .*\mpool\M',
    '23505: the message names pool');
SELECT ok(pg_temp.refusal($$SELECT * FROM revenue_split_commit(2000, 2025, 6)$$) ~ ('\m' || (SELECT run_id FROM june) || '\M')
          AND pg_temp.refusal($$SELECT * FROM revenue_split_commit(2000, 2025, 6)$$) ~ '\m1,?000\M'
          AND pg_temp.refusal($$SELECT * FROM revenue_split_commit(2000, 2025, 6)$$) ~ '\m2,?000\M',
    '23505: message or detail names the earlier run and both pools (1000, 2000)');
SELECT matches(split_part(pg_temp.refusal($$SELECT * FROM revenue_split_commit(2000, 2025, 6)$$), ' | ', 4), 'revenue_split_correct',
    '23505: the hint names revenue_split_correct');
SELECT is(split_part(pg_temp.refusal($$SELECT * FROM revenue_split_commit(2000, 2025, 6)$$), ' | ', 4),
    'To pay a different pool for it, preview and post a correction: revenue_split_correct(2025, 6, pool => 2000) (SPEC §9).',
    '23505: the hint is the monthly correction to call');
SELECT is(split_part(pg_temp.refusal($$SELECT * FROM revenue_split_run(2000, '2025-06-10')$$), ' | ', 4),
    'To pay a different pool for it, preview and post a correction: revenue_split_correct_day(''2025-06-10'', ''revenue_split'', pool => 2000) (SPEC §9).',
    '23505 (daily): the hint is the daily correction to call, with its payment type');
SELECT is(pg_temp.state(), (SELECT s FROM before2), 'the skipped and refused repeats wrote nothing');

-- ---- users.id not unique: refused before a balance moves twice ----
ALTER TABLE public.users DROP CONSTRAINT users_pkey;
INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES (1, 0, 3, NULL, false);
CREATE TEMP TABLE before3 AS SELECT pg_temp.state() AS s;
SELECT matches(pg_temp.refusal($$SELECT * FROM revenue_split_run(1000, '2025-06-10', 'dup_check')$$),
    '^21000 \| "public"."users" has more than one row with id 1 \|',
    'two users rows with a paid creator''s id: 21000 naming the id');
SELECT is(pg_temp.state(), (SELECT s FROM before3), 'two users rows with one id: nothing written');

SELECT * FROM finish();
ROLLBACK;

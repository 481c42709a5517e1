-- Scenario group: bad input (issue 6 §4, SPEC §6.1 and §8, README "Decisions where the SPEC is silent").
--
-- Every SQL argument of every function with NULL, negative, zero, huge (9223372036854775807 and
-- the smallest bigint / int), 'infinity' / '-infinity' dates, year 0 (0001-12-31 BC) and 10000,
-- the smallest and largest PostgreSQL dates, month 0 / 13, NULL / '' / blank payment_type: each is
-- SQLSTATE 22023 (invalid_parameter_value) with a message naming the argument, or a documented
-- result (pool 0 and pool 9223372036854775807 on previews are valid, and Σ amount + unallocated =
-- pool; a date in years 1..9999 is valid even without data; a commit of a period that has not ended
-- is 22023). Never XX000, never a crash: the session keeps working after each group.
--
-- Fixture (as in 21_commit: units(c, D) = 1.01 * views):
--   users 1 KYC 3 (unlimited) balance 0, 2 KYC 1 (cap 5,000) balance 100
--   2025-05-10: video 11 (creator 1) 30 views, video 21 (creator 2) 10 views
BEGIN;
SELECT plan(117);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, NULL, false), (2, 100, 1, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES (11, 1, NULL), (21, 2, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT x.v, 'view', timestamptz '2025-05-10 10:00+00' + g * interval '1 minute', 'd' || x.v || '-' || g, 'i' || x.v || '-' || g
FROM (VALUES (11, 30), (21, 10)) AS x(v, n), generate_series(1, x.n) g;

-- Bad dates for every `day` argument.
CREATE TEMP TABLE bad_days (d text, label text);
INSERT INTO bad_days VALUES
    ('NULL::date', 'NULL'), ($$'infinity'::date$$, 'infinity'), ($$'-infinity'::date$$, '-infinity'),
    ($$'10000-01-01'::date$$, 'year 10000'), ($$'0001-12-31 BC'::date$$, 'year 0 (1 BC)'),
    ($$'4713-01-01 BC'::date$$, 'the smallest date'), ($$'5874897-12-31'::date$$, 'the largest date');
-- Bad pools for every `pool` argument.
CREATE TEMP TABLE bad_pools (p text, label text);
INSERT INTO bad_pools VALUES ('NULL::bigint', 'NULL'), ('-1', '-1'), ('-9223372036854775808', 'the smallest bigint');
-- Bad (year, month) pairs for preview and commit.
CREATE TEMP TABLE bad_months (y text, m text, arg text);
INSERT INTO bad_months VALUES
    ('0', '5', 'year'), ('-1', '5', 'year'), ('10000', '5', 'year'), ('2147483647', '5', 'year'), ('-2147483648', '5', 'year'),
    ('2025', '0', 'month'), ('2025', '13', 'month'), ('2025', '-1', 'month'), ('2025', '2147483647', 'month'),
    ('2025', '-2147483648', 'month'),
    ('NULL', '5', 'year'), ('2025', 'NULL', 'month');

-- Every case: the call, the argument its message must name, or 'period' for a period that has not ended.
CREATE TEMP TABLE cases (ord serial, fn text, arg text, label text, sql text);
INSERT INTO cases (fn, arg, label, sql)
SELECT 'revenue_split_video_units', 'day', label, format('SELECT * FROM revenue_split_video_units(%s)', d) FROM bad_days
UNION ALL SELECT 'revenue_split_units', 'day', label, format('SELECT * FROM revenue_split_units(%s)', d) FROM bad_days
UNION ALL SELECT 'revenue_split_preview_day', 'pool', label, format($$SELECT * FROM revenue_split_preview_day(%s, '2025-05-10')$$, p) FROM bad_pools
UNION ALL SELECT 'revenue_split_preview_day', 'day', label, format('SELECT * FROM revenue_split_preview_day(100, %s)', d) FROM bad_days
UNION ALL SELECT 'revenue_split_preview', 'pool', label, format('SELECT * FROM revenue_split_preview(%s, 2025, 5)', p) FROM bad_pools
UNION ALL SELECT 'revenue_split_preview', 'pool', label || ', defaults', format('SELECT * FROM revenue_split_preview(%s)', p) FROM bad_pools
UNION ALL SELECT 'revenue_split_preview', arg, format('year %s month %s', y, m), format('SELECT * FROM revenue_split_preview(100, %s, %s)', y, m) FROM bad_months
UNION ALL SELECT 'revenue_split_commit', 'pool', label, format('SELECT * FROM revenue_split_commit(%s, 2025, 5)', p) FROM bad_pools
UNION ALL SELECT 'revenue_split_commit', 'pool', label || ', defaults', format('SELECT * FROM revenue_split_commit(%s)', p) FROM bad_pools
UNION ALL SELECT 'revenue_split_commit', arg, format('year %s month %s', y, m), format('SELECT * FROM revenue_split_commit(100, %s, %s)', y, m) FROM bad_months
UNION ALL SELECT 'revenue_split_run', 'pool', label, format($$SELECT * FROM revenue_split_run(%s, '2025-05-10')$$, p) FROM bad_pools
UNION ALL SELECT 'revenue_split_run', 'day', label, format('SELECT * FROM revenue_split_run(100, %s)', d) FROM bad_days
UNION ALL SELECT 'revenue_split_run', 'payment_type', label, format($$SELECT * FROM revenue_split_run(100, '2025-05-10', %s)$$, t)
    FROM (VALUES ('NULL::text', 'NULL'), ($$''$$, 'empty'), ($$'   '$$, 'blank'), ($$E'\t\n'$$, 'tab and newline')) AS x(t, label)
UNION ALL SELECT 'revenue_split_run', 'pool', 'all NULL', 'SELECT * FROM revenue_split_run(NULL, NULL, NULL)'
UNION ALL SELECT 'revenue_split_commit', 'period', 'December 9999 has not ended', 'SELECT * FROM revenue_split_commit(100, 9999, 12)'
UNION ALL SELECT 'revenue_split_commit', 'period', 'the current month has not ended',
    $$SELECT * FROM revenue_split_commit(100, extract(year FROM now() AT TIME ZONE 'UTC')::int, extract(month FROM now() AT TIME ZONE 'UTC')::int)$$
UNION ALL SELECT 'revenue_split_run', 'period', '9999-12-31 has not ended', $$SELECT * FROM revenue_split_run(100, '9999-12-31')$$
UNION ALL SELECT 'revenue_split_run', 'period', 'today has not ended', $$SELECT * FROM revenue_split_run(100, (now() AT TIME ZONE 'UTC')::date)$$
UNION ALL SELECT 'revenue_split_run', 'period', 'tomorrow has not ended', $$SELECT * FROM revenue_split_run(100, (now() AT TIME ZONE 'UTC')::date + 1)$$;

-- 7 + 7 + 3 + 7 + 3 + 3 + 12 + 3 + 3 + 12 + 3 + 7 + 4 + 1 + 5 = 80 cases
SELECT is((SELECT count(*) FROM cases), 80::bigint, 'the bad-input table has 80 cases');

SELECT throws_ok(sql, '22023', NULL, fn || ': ' || arg || ' ' || label || ' -> 22023') FROM cases ORDER BY ord;
SELECT is((SELECT 1), 1, 'the session still works after the refusals');

-- Each message names the argument (or says the period has not ended); captured with an exception block.
CREATE FUNCTION pg_temp.outcome(q text, OUT state text, OUT msg text) LANGUAGE plpgsql AS $f$
BEGIN
    EXECUTE q;
    state := '00000';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
END $f$;
CREATE TEMP TABLE outcomes AS SELECT c.*, o.state, o.msg FROM cases c, pg_temp.outcome(c.sql) o;
SELECT is(ARRAY(SELECT fn || ' ' || label || ': ' || coalesce(msg, '(no error)') FROM outcomes
                WHERE NOT CASE WHEN arg = 'period' THEN msg LIKE 'the period [%) has not ended yet'
                               ELSE msg LIKE 'invalid ' || arg || ':%' END
                ORDER BY ord), '{}'::text[],
    'every refusal names the argument (invalid <arg>: <value>) or the period that has not ended');
SELECT is(ARRAY(SELECT fn || ' ' || label FROM outcomes WHERE state IN ('XX000', 'XX001', 'XX002') ORDER BY ord), '{}'::text[],
    'no bad input reaches XX000');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs), (SELECT count(*) FROM revenue_split.allocations),
             (SELECT count(*) FROM public.transactions), (SELECT sum(current_balance) FROM public.users)$$,
    $$VALUES (0::bigint, 0::bigint, 0::bigint, 100::numeric)$$,
    'the refused calls wrote nothing');

-- ==== documented results: valid edge values ====
-- Dates in years 1..9999 are valid, data or not (README "Decisions").
SELECT is((SELECT count(*) FROM revenue_split_video_units('0001-01-01')), 0::bigint, 'video_units(0001-01-01): valid, no rows');
SELECT is((SELECT count(*) FROM revenue_split_video_units('9999-12-31')), 0::bigint, 'video_units(9999-12-31): valid, no rows');
SELECT is((SELECT count(*) FROM revenue_split_units('0001-01-01')), 0::bigint, 'units(0001-01-01): valid, no rows');
SELECT is((SELECT count(*) FROM revenue_split_units('9999-12-31')), 0::bigint, 'units(9999-12-31): valid, no rows');
SELECT is((SELECT count(*) FROM revenue_split_preview_day(100, '0001-01-01')), 0::bigint, 'preview_day(100, 0001-01-01): valid, no rows');
SELECT is((SELECT count(*) FROM revenue_split_preview_day(100, '9999-12-31')), 0::bigint, 'preview_day(100, 9999-12-31): valid, no rows');
SELECT is((SELECT count(*) FROM revenue_split_preview(100, 1, 1)), 0::bigint, 'preview(100, 1, 1): valid, no rows');
SELECT is((SELECT count(*) FROM revenue_split_preview(100, 9999, 12)), 0::bigint, 'preview(100, 9999, 12): valid, no rows');
SELECT lives_ok($$SELECT * FROM revenue_split_preview(100)$$, 'preview(100): year/month omitted is the previous month');
SELECT results_eq($$SELECT run_id, status, period_start, period_end, pool_cents, allocated_cents, unallocated_cents FROM revenue_split_commit(100, 1, 1)$$,
    $$VALUES (NULL::bigint, 'no_units', date '0001-01-01', date '0001-02-01', 100::bigint, 0::bigint, 100::bigint)$$,
    'commit(100, 1, 1): valid, no_units');
SELECT results_eq($$SELECT run_id, status, period_start, period_end FROM revenue_split_run(100, '0001-01-01')$$,
    $$VALUES (NULL::bigint, 'no_units', date '0001-01-01', date '0001-01-02')$$,
    'run(100, 0001-01-01): valid, no_units');
SELECT results_eq($$SELECT run_id, status FROM revenue_split_run(100, '2025-05-11', repeat('x', 1000))$$,
    $$VALUES (NULL::bigint, 'no_units')$$, 'run with a 1,000-character payment_type on a day without events: no_units');

-- pool 0 and the largest pool on the previews: Σ amount + unallocated = pool, amounts within caps.
SELECT results_eq($$SELECT creator_id, amount_cents, capped FROM revenue_split_preview(0, 2025, 5) ORDER BY creator_id$$,
    $$VALUES (1::bigint, 0::bigint, false), (2, 0, false)$$, 'preview(0): every creator in E listed with amount 0');
SELECT results_eq($$SELECT creator_id, amount_cents FROM revenue_split_preview_day(0, '2025-05-10') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 0::bigint), (2, 0)$$, 'preview_day(0): every creator in E listed with amount 0');
SELECT results_eq(
    $$SELECT sum(amount_cents), bool_and(amount_cents >= 0 AND (cap_cents IS NULL OR amount_cents <= cap_cents)), count(*)
        FROM revenue_split_preview(9223372036854775807, 2025, 5)$$,
    $$VALUES (9223372036854775807::numeric, true, 2::bigint)$$,
    'preview(9223372036854775807): Σ amount = pool exactly (an unlimited creator takes the rest), amounts within caps');
SELECT results_eq(
    $$SELECT creator_id, amount_cents, capped FROM revenue_split_preview_day(9223372036854775807, '2025-05-10') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 9223372036854770807::bigint, false), (2, 5000::bigint, true)$$,
    'preview_day(9223372036854775807): creator 2 at its cap, creator 1 the rest, to the cent');
UPDATE public.users SET kyc_level = 1 WHERE id = 1;
SELECT results_eq(
    $$SELECT sum(amount_cents), bool_and(capped) FROM revenue_split_preview_day(9223372036854775807, '2025-05-10')$$,
    $$VALUES (10000::numeric, true)$$,
    'preview_day(9223372036854775807) with every creator capped: Σ amount = Σ caps, the rest unallocated');
UPDATE public.users SET kyc_level = 3 WHERE id = 1;
SELECT is((SELECT 1), 1, 'the session still works after the edge values');

-- ==== documented results on commits ====
-- pool 0: committed, nobody paid, Σ amount + unallocated = pool.
SELECT results_eq($$SELECT status, pool_cents, allocated_cents, unallocated_cents, creators FROM revenue_split_run(0, '2025-05-10', 'zero')$$,
    $$VALUES ('committed', 0::bigint, 0::bigint, 0::bigint, 0)$$, 'run(0): committed, nothing paid');
SELECT is((SELECT count(*) FROM public.transactions), 0::bigint, 'run(0): no ledger row');
-- the largest pool with an int amount_cents: refused with 22003 before anything is written (README "Money").
SELECT throws_ok($$SELECT * FROM revenue_split_run(9223372036854775807, '2025-05-10', 'huge')$$, '22003', NULL,
    'run(9223372036854775807) with an int amount_cents: 22003');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(9223372036854775807, 2025, 5)$$, '22003', NULL,
    'commit(9223372036854775807) with an int amount_cents: 22003');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs WHERE payment_type <> 'zero'), (SELECT count(*) FROM public.transactions),
             (SELECT sum(current_balance) FROM public.users)$$,
    $$VALUES (0::bigint, 0::bigint, 100::numeric)$$, 'the refused huge commits wrote nothing');
-- with a bigint amount_cents the largest pool commits to the cent
ALTER TABLE public.transactions ALTER COLUMN amount_cents TYPE bigint;
SELECT results_eq($$SELECT status, pool_cents, allocated_cents, unallocated_cents, creators FROM revenue_split_run(9223372036854775807, '2025-05-10', 'huge')$$,
    $$VALUES ('committed', 9223372036854775807::bigint, 9223372036854775807::bigint, 0::bigint, 2)$$,
    'run(9223372036854775807) with a bigint amount_cents: committed, allocated = pool');
SELECT results_eq($$SELECT recipient, amount_cents FROM public.transactions WHERE payment_type = 'huge' ORDER BY recipient$$,
    $$VALUES (1::bigint, 9223372036854770807::bigint), (2, 5000::bigint)$$, 'the huge run: ledger rows to the cent');
SELECT results_eq($$SELECT id, current_balance FROM public.users ORDER BY id$$,
    $$VALUES (1::bigint, 9223372036854770807::bigint), (2, 5100::bigint)$$, 'the huge run: balances to the cent');
-- a second huge run would overflow creator 1's bigint balance: a clean error, nothing written
SELECT throws_ok($$SELECT * FROM revenue_split_run(9223372036854775807, '2025-05-10', 'huge2')$$, '22003', NULL,
    'a second huge run overflowing a bigint balance: 22003, not XX000');
SELECT results_eq(
    $$SELECT (SELECT count(*) FROM revenue_split.runs WHERE payment_type = 'huge2'), (SELECT count(*) FROM public.transactions WHERE payment_type = 'huge2'),
             (SELECT sum(current_balance) FROM public.users)$$,
    $$VALUES (0::bigint, 0::bigint, 9223372036854775907::numeric)$$, 'the overflowing run wrote nothing');
SELECT is((SELECT 1), 1, 'the session still works after the huge commits');

-- ==== payment_type: long values ====
-- A long payment_type is either accepted or refused as a bad argument (22023 naming payment_type);
-- it must not fail on an internal limit (54000: the run key's unique index row too large).
SELECT lives_ok($$SELECT * FROM revenue_split_run(100, '2025-05-10', repeat('p', 1000))$$,
    'run with a 1,000-character payment_type: accepted');
SELECT is((SELECT CASE WHEN o.state = '00000' OR (o.state = '22023' AND o.msg LIKE 'invalid payment_type:%') THEN 'ok'
                   ELSE o.state || ': ' || o.msg END
             FROM pg_temp.outcome($q$SELECT * FROM revenue_split_run(100, '2025-05-10',
                                      (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 400) g))$q$) o),
    'ok', 'run with a 12,800-character (incompressible) payment_type: committed, or 22023 naming payment_type (not 54000)');
SELECT is((SELECT 1), 1, 'the session still works at the end');

SELECT * FROM finish();
ROLLBACK;

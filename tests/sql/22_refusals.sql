-- Scenario group: refused arguments (SPEC §6.1, §8): every bad argument of the previews and the
-- commits raises SQLSTATE 22023 (invalid_parameter_value), with a message naming the argument
-- (and the accepted range), and nothing is written.
--
-- Fixture: events everywhere a refused call could otherwise have written something:
--   users 1 (KYC 3, balance 10), 2 (KYC 1, balance NULL); videos 11 -> 1, 21 -> 2 (created_at NULL)
--   2025-06-10: 11: 10 views, 21: 10 views
--   today 00:00 UTC (in the current month): 11: 10 views; tomorrow 00:00 UTC: 21: 10 views
--   0001-01-03 (year 1, the first accepted year): 11: 10 views
BEGIN;
SELECT plan(53);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 10, 3, NULL, false), (2, NULL, 1, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES (11, 1, NULL), (21, 2, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT x.v, 'view', x.t + g * interval '1 second', 'd' || x.v || '-' || x.t || '-' || g, 'i' || x.v || '-' || x.t || '-' || g
FROM (VALUES (11, timestamptz '2025-06-10 10:00:00+00'), (21, timestamptz '2025-06-10 10:00:00+00'),
             (11, date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'),
             (21, (date_trunc('day', now() AT TIME ZONE 'UTC') + interval '1 day') AT TIME ZONE 'UTC'),
             (11, timestamptz '0001-01-03 10:00:00+00')) AS x(v, t),
     generate_series(1, 10) g;

-- ---- previews ----
SELECT throws_ok($$SELECT * FROM revenue_split_preview(NULL, 2025, 6)$$, '22023', NULL, 'preview: NULL pool');
SELECT throws_ok($$SELECT * FROM revenue_split_preview(-1, 2025, 6)$$, '22023', NULL, 'preview: negative pool');
SELECT throws_ok($$SELECT * FROM revenue_split_preview(100, 2025, 0)$$, '22023', NULL, 'preview: month 0');
SELECT throws_ok($$SELECT * FROM revenue_split_preview(100, 2025, 13)$$, '22023', NULL, 'preview: month 13');
SELECT throws_ok($$SELECT * FROM revenue_split_preview(100, 0, 6)$$, '22023', NULL, 'preview: year 0');
SELECT throws_ok($$SELECT * FROM revenue_split_preview(100, 10000, 6)$$, '22023', NULL, 'preview: year 10000');
SELECT throws_ok($$SELECT * FROM revenue_split_preview(100, 2025, NULL)$$, '22023', NULL, 'preview: year without month');
SELECT throws_ok($$SELECT * FROM revenue_split_preview(100, NULL, 6)$$, '22023', NULL, 'preview: month without year');
SELECT throws_ok($$SELECT * FROM revenue_split_preview(100, month => 6)$$, '22023', NULL, 'preview: month without year (named)');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_day(NULL, '2025-06-10')$$, '22023', NULL, 'preview_day: NULL pool');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_day(-1, '2025-06-10')$$, '22023', NULL, 'preview_day: negative pool');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_day(100, NULL)$$, '22023', NULL, 'preview_day: NULL day');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_day(100, 'infinity')$$, '22023', NULL, 'preview_day: infinity');
SELECT throws_ok($$SELECT * FROM revenue_split_preview_day(100, '-infinity')$$, '22023', NULL, 'preview_day: -infinity');

-- ---- monthly commit ----
SELECT throws_ok($$SELECT * FROM revenue_split_commit(NULL, 2025, 6)$$, '22023', NULL, 'commit: NULL pool');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(NULL)$$, '22023', NULL, 'commit: NULL pool (default month)');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(-1, 2025, 6)$$, '22023', NULL, 'commit: negative pool');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(-9223372036854775808, 2025, 6)$$, '22023', NULL, 'commit: pool -2^63');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(100, 2025, 0)$$, '22023', NULL, 'commit: month 0');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(100, 2025, 13)$$, '22023', NULL, 'commit: month 13');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(100, 2025, -1)$$, '22023', NULL, 'commit: month -1');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(100, 0, 6)$$, '22023', NULL, 'commit: year 0');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(100, 10000, 6)$$, '22023', NULL, 'commit: year 10000');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(100, 2025, NULL)$$, '22023', NULL, 'commit: year without month');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(100, NULL, 6)$$, '22023', NULL, 'commit: month without year');
SELECT throws_ok(
    format($$SELECT * FROM revenue_split_commit(100, %s, %s)$$,
           extract(year FROM now() AT TIME ZONE 'UTC')::int, extract(month FROM now() AT TIME ZONE 'UTC')::int),
    '22023', NULL, 'commit: the current month has not ended');
SELECT throws_ok($$SELECT * FROM revenue_split_commit(100, 9999, 12)$$, '22023', NULL, 'commit: a future month (9999-12)');

-- ---- daily run ----
SELECT throws_ok($$SELECT * FROM revenue_split_run(NULL, '2025-06-10')$$, '22023', NULL, 'run: NULL pool');
SELECT throws_ok($$SELECT * FROM revenue_split_run(-1, '2025-06-10')$$, '22023', NULL, 'run: negative pool');
SELECT throws_ok($$SELECT * FROM revenue_split_run(100, NULL)$$, '22023', NULL, 'run: NULL day');
SELECT throws_ok($$SELECT * FROM revenue_split_run(100, 'infinity')$$, '22023', NULL, 'run: infinity');
SELECT throws_ok($$SELECT * FROM revenue_split_run(100, '-infinity')$$, '22023', NULL, 'run: -infinity');
SELECT throws_ok(format($$SELECT * FROM revenue_split_run(100, %L)$$, (now() AT TIME ZONE 'UTC')::date),
    '22023', NULL, 'run: today (UTC) has not ended');
SELECT throws_ok(format($$SELECT * FROM revenue_split_run(100, %L)$$, (now() AT TIME ZONE 'UTC')::date + 1),
    '22023', NULL, 'run: tomorrow has not ended');
SELECT throws_ok($$SELECT * FROM revenue_split_run(100, '2025-06-10', NULL)$$, '22023', NULL, 'run: NULL payment_type');
SELECT throws_ok($$SELECT * FROM revenue_split_run(100, '2025-06-10', '')$$, '22023', NULL, 'run: empty payment_type');

-- "has not ended" is judged in UTC whatever the session TimeZone: at UTC+14 the local date is
-- already tomorrow (UTC) for most of the UTC day; today (UTC) must still be refused.
SET LOCAL TimeZone = 'Pacific/Kiritimati';
SELECT throws_ok(format($$SELECT * FROM revenue_split_run(100, %L)$$, (now() AT TIME ZONE 'UTC')::date),
    '22023', NULL, 'run: today (UTC) refused under TimeZone UTC+14');
SELECT throws_ok(
    format($$SELECT * FROM revenue_split_commit(100, %s, %s)$$,
           extract(year FROM now() AT TIME ZONE 'UTC')::int, extract(month FROM now() AT TIME ZONE 'UTC')::int),
    '22023', NULL, 'commit: the current month (UTC) refused under TimeZone UTC+14');
SET LOCAL TimeZone = 'UTC';

-- ---- units functions (SPEC §8: bad argument -> 22023) ----
SELECT throws_ok($$SELECT * FROM revenue_split_units(NULL)$$, '22023', NULL, 'units: NULL day');
SELECT throws_ok($$SELECT * FROM revenue_split_units('infinity')$$, '22023', NULL, 'units: infinity');
SELECT throws_ok($$SELECT * FROM revenue_split_video_units(NULL)$$, '22023', NULL, 'video_units: NULL day');
SELECT throws_ok($$SELECT * FROM revenue_split_video_units('-infinity')$$, '22023', NULL, 'video_units: -infinity');

-- ---- the messages name the argument; message + DETAIL state the accepted range ----
CREATE FUNCTION pg_temp.refusal(q text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE st text; msg text; det text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    RETURN st || ' | ' || msg || ' | ' || COALESCE(det, '');
END $f$;

SELECT is_empty(
    $$SELECT q, pg_temp.refusal(q) FROM (VALUES
        ('SELECT * FROM revenue_split_preview(NULL, 2025, 6)', 'pool'),
        ('SELECT * FROM revenue_split_commit(-1, 2025, 6)', 'pool'),
        ('SELECT * FROM revenue_split_run(-1, ''2025-06-10'')', 'pool'),
        ('SELECT * FROM revenue_split_preview_day(NULL, ''2025-06-10'')', 'pool'),
        ('SELECT * FROM revenue_split_commit(100, 2025, 13)', 'month'),
        ('SELECT * FROM revenue_split_preview(100, 2025, 0)', 'month'),
        ('SELECT * FROM revenue_split_commit(100, 10000, 6)', 'year'),
        ('SELECT * FROM revenue_split_preview(100, 0, 6)', 'year'),
        ('SELECT * FROM revenue_split_commit(100, NULL, 6)', 'year'),
        ('SELECT * FROM revenue_split_commit(100, 2025, NULL)', 'month'),
        ('SELECT * FROM revenue_split_run(100, NULL)', 'day'),
        ('SELECT * FROM revenue_split_preview_day(100, ''infinity'')', 'day'),
        ('SELECT * FROM revenue_split_run(100, ''-infinity'')', 'day'),
        ('SELECT * FROM revenue_split_run(100, ''2025-06-10'', NULL)', 'payment_type'),
        ('SELECT * FROM revenue_split_run(100, ''2025-06-10'', '''')', 'payment_type')) AS x(q, arg)
      WHERE split_part(pg_temp.refusal(q), ' | ', 1) <> '22023' OR split_part(pg_temp.refusal(q), ' | ', 2) !~ ('\m' || arg || '\M')$$,
    'every refusal is 22023 and its message names the argument');
SELECT is_empty(
    $$SELECT q, pg_temp.refusal(q) FROM (VALUES
        ('SELECT * FROM revenue_split_commit(-1, 2025, 6)', '>= ?0'),
        ('SELECT * FROM revenue_split_commit(100, 2025, 13)', '1 and 12'),
        ('SELECT * FROM revenue_split_commit(100, 10000, 6)', '1 and 9999')) AS x(q, range)
      WHERE pg_temp.refusal(q) !~ range$$,
    'the error states the accepted range (pool >= 0, month 1..12, year 1..9999)');
SELECT matches(
    pg_temp.refusal(format($$SELECT * FROM revenue_split_run(100, %L)$$, (now() AT TIME ZONE 'UTC')::date)),
    '^22023 \| .*not ended',
    'run of today: 22023, "has not ended"');

-- ---- nothing was written by any refused call ----
SELECT is((SELECT count(*) FROM revenue_split.runs), 0::bigint, 'refusals wrote no run');
SELECT is((SELECT count(*) FROM revenue_split.allocations), 0::bigint, 'refusals wrote no allocation');
SELECT is((SELECT count(*) FROM public.transactions), 0::bigint, 'refusals wrote no transaction');
SELECT results_eq($$SELECT id, current_balance FROM public.users ORDER BY id$$,
    $$VALUES (1::bigint, 10::bigint), (2, NULL)$$, 'refusals changed no balance');

-- ---- the boundaries that are accepted ----
-- yesterday (UTC) has ended: not refused (no events yesterday -> no_units)
SELECT results_eq(format($$SELECT status FROM revenue_split_run(100, %L)$$, (now() AT TIME ZONE 'UTC')::date - 1),
    $$VALUES ('no_units'::text)$$, 'run: yesterday (UTC) is accepted');
-- 2025-06-10 with a whitespace-free custom payment_type and pool 0 are accepted
SELECT results_eq($$SELECT status, creators FROM revenue_split_run(0, '2025-06-10', 'x')$$,
    $$VALUES ('committed'::text, 0)$$, 'run: pool 0 is accepted');
-- June 2025 has ended: accepted. units 1 and 2 -> 10.1 each -> 500 each (2's cap 5,000 not reached)
SELECT results_eq($$SELECT status, pool_cents, creators, allocated_cents, unallocated_cents FROM revenue_split_commit(1000, 2025, 6)$$,
    $$VALUES ('committed'::text, 1000::bigint, 2, 1000::bigint, 0::bigint)$$,
    'commit: an ended month is accepted');

-- The first accepted year: 0001-01-03 is accepted, and its events are paid
-- (creator 1, 10 views -> 10.1 units, KYC 3 -> the whole pool of 100).
SELECT results_eq($$SELECT status, creators, allocated_cents, round(total_units::numeric, 9) FROM revenue_split_run(100, '0001-01-03')$$,
    $$VALUES ('committed'::text, 1, 100::bigint, 10.1::numeric)$$,
    'run: 0001-01-03 (year 1) is accepted and its events are paid');

SELECT * FROM finish();
ROLLBACK;

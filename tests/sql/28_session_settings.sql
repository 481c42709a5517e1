-- Scenario group: a result must not depend on the caller's session. Floats reach the
-- computation as text in three places: the configuration's float8 columns (through to_jsonb),
-- a float trust score, and a float device or IP column (both cast to text). With
-- extra_float_digits at 0 or less PostgreSQL rounds that text (1/3 becomes 0.333333333333333),
-- so before 0.3.0 a caller with such a session got other units. The reads now pin the server's
-- default (1: the shortest text that reads back as the same value).
--
-- Fixture: weight_view = 1/3 (float8). users.creator_trust_score and event.device_id are float8.
-- Creator 1 (trust 57.123456789012345): video 11, 10 views on 2025-06-10, devices alternating
-- between 0.1 + 0.2 (= 0.30000000000000004) and 0.3: two devices, which print alike with
-- extra_float_digits = 0. Creator 2 (trust NULL): video 21, 10 views, a device each.
BEGIN;
SELECT plan(12);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

ALTER TABLE public.users ALTER COLUMN creator_trust_score TYPE float8;
ALTER TABLE public.event ALTER COLUMN device_id TYPE float8 USING NULL;
INSERT INTO revenue_split.config (weight_view) VALUES (1::float8 / 3);
INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, 57.123456789012345, false), (2, 0, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES (11, 1, NULL), (21, 2, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 11, 'view', timestamptz '2025-06-10 10:00:00+00' + g * interval '1 minute',
       CASE WHEN g % 2 = 0 THEN 0.1::float8 + 0.2::float8 ELSE 0.3::float8 END, 'i11-' || g
FROM generate_series(1, 10) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 21, 'view', timestamptz '2025-06-10 11:00:00+00' + g * interval '1 minute', g, 'i21-' || g
FROM generate_series(1, 10) g;

-- The fixture means what it says: the two devices differ, yet print alike at 0 digits.
SET LOCAL extra_float_digits = 0;
SELECT is((SELECT count(DISTINCT device_id) FROM public.event WHERE video_id = 11), 2::bigint,
    'video 11 has two distinct devices');
SELECT is((SELECT count(DISTINCT device_id::text) FROM public.event WHERE video_id = 11), 1::bigint,
    'with extra_float_digits = 0 their text is the same');
RESET extra_float_digits;

-- The session's default (1): what every other session must get.
CREATE TEMP TABLE base_units AS SELECT * FROM revenue_split_units('2025-06-10');
CREATE TEMP TABLE base_preview AS SELECT * FROM revenue_split_preview_day(1000, '2025-06-10');

-- By hand: raw = 10 * weight_view; trust = trust_min + (trust_max - trust_min) * s / trust_scale.
SELECT is((SELECT raw_units FROM base_units WHERE creator_id = 1), (1::float8 / 3) * 10,
    'raw units: 10 views at the configured weight 1/3, to the last bit');
SELECT is((SELECT trust_mult FROM base_units WHERE creator_id = 1),
    0.8::float8 + (1.2::float8 - 0.8::float8) * 57.123456789012345::float8 / 100,
    'trust_mult from the float8 score, to the last bit');

SET LOCAL extra_float_digits = 0;
SELECT results_eq(
    $$SELECT creator_id, units, raw_units, integrity_mult, trust_mult FROM revenue_split_units('2025-06-10') ORDER BY 1$$,
    $$SELECT creator_id, units, raw_units, integrity_mult, trust_mult FROM base_units ORDER BY 1$$,
    'extra_float_digits = 0: the same units, raw units and multipliers');
SELECT results_eq(
    $$SELECT creator_id, units, amount_cents FROM revenue_split_preview_day(1000, '2025-06-10') ORDER BY 1$$,
    $$SELECT creator_id, units, amount_cents FROM base_preview ORDER BY 1$$,
    'extra_float_digits = 0: the same preview');
SELECT is((SELECT raw_units FROM revenue_split_units('2025-06-10') WHERE creator_id = 1), (1::float8 / 3) * 10,
    'extra_float_digits = 0: the configured weight to the last bit');
SELECT is((SELECT trust_mult FROM revenue_split_units('2025-06-10') WHERE creator_id = 1),
    0.8::float8 + (1.2::float8 - 0.8::float8) * 57.123456789012345::float8 / 100,
    'extra_float_digits = 0: the trust score to the last bit');

SET LOCAL extra_float_digits = -15;
SELECT results_eq(
    $$SELECT creator_id, units, raw_units, integrity_mult, trust_mult FROM revenue_split_units('2025-06-10') ORDER BY 1$$,
    $$SELECT creator_id, units, raw_units, integrity_mult, trust_mult FROM base_units ORDER BY 1$$,
    'extra_float_digits = -15: the same units, raw units and multipliers');
SELECT results_eq(
    $$SELECT creator_id, units, amount_cents FROM revenue_split_preview_day(1000, '2025-06-10') ORDER BY 1$$,
    $$SELECT creator_id, units, amount_cents FROM base_preview ORDER BY 1$$,
    'extra_float_digits = -15: the same preview');

SET LOCAL extra_float_digits = 3;
SELECT results_eq(
    $$SELECT creator_id, units, raw_units, integrity_mult, trust_mult FROM revenue_split_units('2025-06-10') ORDER BY 1$$,
    $$SELECT creator_id, units, raw_units, integrity_mult, trust_mult FROM base_units ORDER BY 1$$,
    'extra_float_digits = 3: the same units, raw units and multipliers');

-- The caller's setting is its own again once the call returns.
SELECT is(current_setting('extra_float_digits'), '3', 'the session keeps its extra_float_digits');

SELECT * FROM finish();
ROLLBACK;

-- Scenario group: quality multiplier (SPEC §3.1). The z-score uses the WHOLE day's cohort, whoever
-- the creator is (a bot and a creator without a users row included).
--
-- Every view below has its own device and IP, so cluster_mult is 1.0 (top share 1/n <= 0.2 with
-- n >= 6, or n = 0); created_at is NULL everywhere, so early_mult is 1.0.
--   users 1 (trust NULL), 2 (likely_bot true), 3; creator 4 has no users row
--   videos 101 -> 1, 201 -> 2, 401 -> 4, 111..116 -> 3
--   2025-08-20  SPEC example: 101 ER 0.1, 201 (bot) ER 0.2, 401 (no users row) ER 0.3
--   2025-08-21  single-video cohort: 101 only
--   2025-08-22  two videos with the same ER (sigma = 0)
--   2025-08-23  six videos, ER 2 (likes only, views 0) and five times 0: z = +sqrt(5) clamped to +0.02
--   2025-08-24  six videos, ER 0 and five times 1: z = -sqrt(5) clamped to -0.02
BEGIN;
SELECT plan(12);
\ir ../common/app_tables.sql

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, NULL, false),
    (2, 0, 3, NULL, true),
    (3, 0, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at)
SELECT v, CASE WHEN v = 101 THEN 1 WHEN v = 201 THEN 2 WHEN v = 401 THEN 4 ELSE 3 END, NULL
FROM unnest(ARRAY[101, 201, 401, 111, 112, 113, 114, 115, 116]) v;

-- n views of video v starting at t0, one a minute, each with its own device and IP.
CREATE FUNCTION pg_temp.views(v bigint, t0 timestamptz, n int) RETURNS void LANGUAGE sql AS $$
    INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
    SELECT v, 'view', t0 + g * interval '1 minute',
           'dev-' || v || '-' || to_char(t0 AT TIME ZONE 'UTC', 'MMDD') || '-' || g,
           'ip-'  || v || '-' || to_char(t0 AT TIME ZONE 'UTC', 'MMDD') || '-' || g
    FROM generate_series(1, n) g
$$;
-- n events of type typ of video v at t0 (device and IP of the video's first view that day).
CREATE FUNCTION pg_temp.events(v bigint, typ text, t0 timestamptz, n int) RETURNS void LANGUAGE sql AS $$
    INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
    SELECT v, typ, t0, 'dev-' || v || '-' || to_char(t0 AT TIME ZONE 'UTC', 'MMDD') || '-1',
           'ip-' || v || '-' || to_char(t0 AT TIME ZONE 'UTC', 'MMDD') || '-1'
    FROM generate_series(1, n) g
$$;

-- 2025-08-20
SELECT pg_temp.views(101, '2025-08-20 10:00+00', 10);
SELECT pg_temp.events(101, 'like', '2025-08-20 11:00+00', 1);
SELECT pg_temp.views(201, '2025-08-20 10:00+00', 10);
SELECT pg_temp.events(201, 'like', '2025-08-20 11:00+00', 1);
SELECT pg_temp.events(201, 'comment', '2025-08-20 11:00+00', 1);
SELECT pg_temp.views(401, '2025-08-20 10:00+00', 10);
SELECT pg_temp.events(401, 'like', '2025-08-20 11:00+00', 1);
SELECT pg_temp.events(401, 'comment', '2025-08-20 11:00+00', 1);
SELECT pg_temp.events(401, 'share', '2025-08-20 11:00+00', 1);
-- 2025-08-21
SELECT pg_temp.views(101, '2025-08-21 10:00+00', 10);
SELECT pg_temp.events(101, 'like', '2025-08-21 11:00+00', 5);
-- 2025-08-22
SELECT pg_temp.views(101, '2025-08-22 10:00+00', 8);
SELECT pg_temp.events(101, 'like', '2025-08-22 11:00+00', 2);
SELECT pg_temp.views(201, '2025-08-22 10:00+00', 16);
SELECT pg_temp.events(201, 'like', '2025-08-22 11:00+00', 4);
-- 2025-08-23
SELECT pg_temp.events(111, 'like', '2025-08-23 11:00+00', 2);
SELECT pg_temp.views(v, '2025-08-23 10:00+00', 6) FROM generate_series(112, 116) v;
-- 2025-08-24
SELECT pg_temp.views(111, '2025-08-24 10:00+00', 6);
SELECT pg_temp.views(v, '2025-08-24 10:00+00', 6) FROM generate_series(112, 116) v;
SELECT pg_temp.events(v, 'like', '2025-08-24 11:00+00', 6) FROM generate_series(112, 116) v;

CREATE FUNCTION pg_temp.vu(d date)
RETURNS TABLE (video_id bigint, creator_id bigint, views bigint, likes bigint, comments bigint, shares bigint,
               raw_units numeric, quality_mult numeric, early_mult numeric, cluster_mult numeric, units numeric)
LANGUAGE sql AS $$
    SELECT video_id, creator_id, views, likes, comments, shares,
           round(raw_units::numeric, 9), round(quality_mult::numeric, 9), round(early_mult::numeric, 9),
           round(cluster_mult::numeric, 9), round(units::numeric, 9)
    FROM revenue_split_video_units(d) ORDER BY video_id
$$;

-- ---- assertions ----

-- 2025-08-20, SPEC example.
--   101: views 10, likes 1 -> raw = 10 + 3 = 13; ER = 1/10 = 0.1
--   201: views 10, likes 1, comments 1 -> raw = 10 + 3 + 5 = 18; ER = 2/10 = 0.2
--   401: views 10, likes 1, comments 1, shares 1 -> raw = 10 + 3 + 5 + 8 = 26; ER = 3/10 = 0.3
--   mu = 0.2; sigma = sqrt((0.01 + 0 + 0.01)/3) = sqrt(0.00666667) = 0.0816497
--   z = -0.1/0.0816497 = -1.2247449, 0, +1.2247449 -> quality 0.987752551, 1.0, 1.012247449
--   units: 13 * 0.987752551 = 12.840783167; 18 * 1 = 18; 26 * 1.0122474487 = 26.318433667
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-20')$$,
    $$VALUES (101::bigint, 1::bigint, 10::bigint, 1::bigint, 0::bigint, 0::bigint, 13::numeric, 0.987752551, 1::numeric, 1::numeric, 12.840783167),
             (201, 2, 10, 1, 1, 0, 18, 1.000000000, 1, 1, 18.000000000),
             (401, 4, 10, 1, 1, 1, 26, 1.012247449, 1, 1, 26.318433667)$$,
    '2025-08-20: ERs 0.1 / 0.2 / 0.3 -> quality 0.987753 / 1.0 / 1.012247; bot and user-less creators are in the cohort');
SELECT is((SELECT round(quality_mult::numeric, 6) FROM revenue_split_video_units('2025-08-20') WHERE video_id = 101),
    0.987753, 'SPEC §3.1 example: ER 0.1 -> 0.987753');
SELECT is((SELECT round(quality_mult::numeric, 6) FROM revenue_split_video_units('2025-08-20') WHERE video_id = 201),
    1.000000, 'SPEC §3.1 example: ER 0.2 (the bot''s video) -> 1.0');
SELECT is((SELECT round(quality_mult::numeric, 6) FROM revenue_split_video_units('2025-08-20') WHERE video_id = 401),
    1.012247, 'SPEC §3.1 example: ER 0.3 -> 1.012247');
-- Creator rows of 2025-08-20: the bot (2) and the creator without users row (4) are listed.
SELECT results_eq($$SELECT creator_id, videos, excluded FROM revenue_split_units('2025-08-20') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 1, false), (2, 1, true), (4, 1, false)$$,
    '2025-08-20: creator rows 1, 2 (bot, excluded), 4 (no users row, not excluded)');

-- 2025-08-21, single-video cohort: 101 views 10, likes 5 -> raw = 10 + 15 = 25; ER 0.5;
--   n = 1 -> sigma = 0 < 1e-9 -> z = 0 -> quality 1.0; units 25
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-21')$$,
    $$VALUES (101::bigint, 1::bigint, 10::bigint, 5::bigint, 0::bigint, 0::bigint, 25::numeric, 1::numeric, 1::numeric, 1::numeric, 25::numeric)$$,
    '2025-08-21: a single-video cohort has sigma 0 -> quality 1.0');

-- 2025-08-22, equal ERs: 101 views 8, likes 2 -> raw 14, ER 0.25; 201 views 16, likes 4 -> raw 28, ER 0.25
--   sigma = 0 -> quality 1.0 for both; units 14 and 28
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-22')$$,
    $$VALUES (101::bigint, 1::bigint, 8::bigint, 2::bigint, 0::bigint, 0::bigint, 14::numeric, 1::numeric, 1::numeric, 1::numeric, 14::numeric),
             (201, 2, 16, 4, 0, 0, 28, 1, 1, 1, 28)$$,
    '2025-08-22: equal ERs (sigma 0) -> quality 1.0');

-- 2025-08-23, clamp at +2%:
--   111: likes 2, views 0 -> raw 6; ER = 2/max(1, 0) = 2.0
--   112..116: views 6 -> raw 6; ER 0
--   mu = 2/6 = 1/3; sigma = sqrt(((5/3)^2 + 5*(1/3)^2)/6) = sqrt((25/9 + 5/9)/6) = sqrt(5/9) = 0.745355992
--   z(111) = (5/3)/(sqrt(5)/3) = sqrt(5) = 2.236 -> 0.01*z = 0.02236 clamped to 0.02 -> 1.02; units 6.12
--   z(others) = -(1/3)/(sqrt(5)/3) = -1/sqrt(5) = -0.447213595 -> 0.995527864; units 6 * 0.995527864 = 5.973167184
--   cluster(111): n = 0 -> 1.0
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-23')$$,
    $$VALUES (111::bigint, 3::bigint, 0::bigint, 2::bigint, 0::bigint, 0::bigint, 6::numeric, 1.020000000, 1::numeric, 1::numeric, 6.120000000),
             (112, 3, 6, 0, 0, 0, 6, 0.995527864, 1, 1, 5.973167184),
             (113, 3, 6, 0, 0, 0, 6, 0.995527864, 1, 1, 5.973167184),
             (114, 3, 6, 0, 0, 0, 6, 0.995527864, 1, 1, 5.973167184),
             (115, 3, 6, 0, 0, 0, 6, 0.995527864, 1, 1, 5.973167184),
             (116, 3, 6, 0, 0, 0, 6, 0.995527864, 1, 1, 5.973167184)$$,
    '2025-08-23: ER with views 0 uses max(1, views); z = +sqrt(5) clamped to 1.02');
SELECT ok((SELECT abs(quality_mult - 1.02) < 1e-12 FROM revenue_split_video_units('2025-08-23') WHERE video_id = 111),
    '2025-08-23: quality clamp is 1 + 0.02 (to 1e-12)');

-- 2025-08-24, clamp at -2%:
--   111: views 6 -> raw 6; ER 0
--   112..116: views 6, likes 6 -> raw = 6 + 18 = 24; ER 1
--   mu = 5/6; sigma = sqrt(((5/6)^2 + 5*(1/6)^2)/6) = sqrt((25/36 + 5/36)/6) = sqrt(5/36) = 0.372677996
--   z(111) = -(5/6)/(sqrt(5)/6) = -sqrt(5) -> clamped to -0.02 -> 0.98; units 6 * 0.98 = 5.88
--   z(others) = (1/6)/(sqrt(5)/6) = 1/sqrt(5) = 0.447213595 -> 1.004472136; units 24 * 1.004472136 = 24.107331263
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-24')$$,
    $$VALUES (111::bigint, 3::bigint, 6::bigint, 0::bigint, 0::bigint, 0::bigint, 6::numeric, 0.980000000, 1::numeric, 1::numeric, 5.880000000),
             (112, 3, 6, 6, 0, 0, 24, 1.004472136, 1, 1, 24.107331263),
             (113, 3, 6, 6, 0, 0, 24, 1.004472136, 1, 1, 24.107331263),
             (114, 3, 6, 6, 0, 0, 24, 1.004472136, 1, 1, 24.107331263),
             (115, 3, 6, 6, 0, 0, 24, 1.004472136, 1, 1, 24.107331263),
             (116, 3, 6, 6, 0, 0, 24, 1.004472136, 1, 1, 24.107331263)$$,
    '2025-08-24: z = -sqrt(5) clamped to 0.98');
SELECT ok((SELECT abs(quality_mult - 0.98) < 1e-12 FROM revenue_split_video_units('2025-08-24') WHERE video_id = 111),
    '2025-08-24: quality clamp is 1 - 0.02 (to 1e-12)');
SELECT is_empty($$SELECT * FROM revenue_split_video_units('2025-08-25')$$, '2025-08-25: no events, no rows');

SELECT * FROM finish();
ROLLBACK;

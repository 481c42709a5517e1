-- Scenario group: bigint ids beyond 2^32 (SPEC §1: ids may be int or bigint). Ids are chosen so
-- that truncating them to 32 bits would merge them: video 4294967297 and creator 4294967297
-- (= 2^32 + 1) collide with video 1 and creator 1 mod 2^32; video 5000000001 is > 2^32 too.
--
--   users 1 (trust 0 -> 0.80), 4294967297 (trust 100 -> 1.20)
--   videos 1 -> creator 1; 4294967297 and 5000000001 -> creator 4294967297; created_at NULL (early 1.0)
--   2025-08-20, every view with its own device and IP (cluster 1/10 -> 1.0):
--     1           10 views                -> raw 10, ER 0
--     4294967297  10 views, 10 likes      -> raw 10 + 30 = 40, ER 1
--     5000000001  10 views, 5 likes       -> raw 10 + 15 = 25, ER 0.5
BEGIN;
SELECT plan(3);
\ir ../common/app_tables.sql

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, 0, false),
    (4294967297, 0, 3, 100, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES
    (1, 1, NULL),
    (4294967297, 4294967297, NULL),
    (5000000001, 4294967297, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT v, 'view', timestamptz '2025-08-20 10:00:00+00' + g * interval '1 minute', 'd' || v || '-' || g, 'i' || v || '-' || g
FROM unnest(ARRAY[1, 4294967297, 5000000001]::bigint[]) v, generate_series(1, 10) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 4294967297, 'like', timestamptz '2025-08-20 11:00:00+00', 'd4294967297-1', 'i4294967297-1' FROM generate_series(1, 10);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 5000000001, 'like', timestamptz '2025-08-20 11:00:00+00', 'd5000000001-1', 'i5000000001-1' FROM generate_series(1, 5);

-- ---- assertions ----

-- quality: ERs 0, 1, 0.5 -> mu 0.5, sigma = sqrt((0.25 + 0.25 + 0)/3) = sqrt(1/6) = 0.408248290
--   z = -0.5/0.408248290 = -1.224744871 -> 0.987752551; +1.224744871 -> 1.012247449; 0 -> 1.0
--   units: 1 -> 10 * 0.987752551 = 9.877525513; 4294967297 -> 40 * 1.012247449 = 40.489897949; 5000000001 -> 25
SELECT results_eq(
    $$SELECT video_id, creator_id, views, likes, comments, shares, round(raw_units::numeric, 9), round(quality_mult::numeric, 9),
             round(early_mult::numeric, 9), round(cluster_mult::numeric, 9), round(units::numeric, 9)
        FROM revenue_split_video_units('2025-08-20') ORDER BY video_id$$,
    $$VALUES (1::bigint, 1::bigint, 10::bigint, 0::bigint, 0::bigint, 0::bigint, 10::numeric, 0.987752551, 1::numeric, 1::numeric, 9.877525513),
             (4294967297, 4294967297, 10, 10, 0, 0, 40, 1.012247449, 1, 1, 40.489897949),
             (5000000001, 4294967297, 10,  5, 0, 0, 25, 1.000000000, 1, 1, 25.000000000)$$,
    'video rows keep ids beyond 2^32 apart from their 32-bit aliases');
-- creator 1: window views 10, uniq 10 / 10, likes+comments 0 -> score (1 + 1 + 0)/3 = 2/3 -> integrity 1.01
--   trust 0 -> 0.80; units = 1.01 * 0.80 * 9.877525513 = 7.981040614
-- creator 4294967297: views 20, uniq 20 / 20, likes 15 -> score (1 + 1 + min(1, 150/20))/3 = 1 -> 1.03
--   trust 100 -> 1.20; units = 1.03 * 1.20 * (40.4898979486 + 25) = 1.236 * 65.4898979486 = 80.945513864
--   raw = 40 + 25 = 65; videos 2
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), round(raw_units::numeric, 9), videos,
             round(integrity_mult::numeric, 9), round(trust_mult::numeric, 9), excluded
        FROM revenue_split_units('2025-08-20') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 7.981040614::numeric, 10::numeric, 1, 1.01::numeric, 0.80::numeric, false),
             (4294967297, 80.945513864, 65, 2, 1.03, 1.20, false)$$,
    'creator rows: creator 4294967297 has its own trust and both its videos');
SELECT is((SELECT count(*) FROM revenue_split_video_units('2025-08-20') WHERE video_id > 4294967296), 2::bigint,
    'two video ids beyond 2^32 come back intact');

SELECT * FROM finish();
ROLLBACK;

-- Scenario group: creator aggregation (SPEC §4.4, §8):
--   units(c, D) = integrity_mult * trust_mult * (likely_bot ? 0 : 1) * Σ video_units over c's cohort videos,
--   raw_units = Σ raw_units, videos = number of c's videos in the cohort.
--
--   users 1 (trust 75 -> 1.10), 2 (trust NULL, likely_bot true); created_at NULL everywhere (early 1.0)
--   videos 11, 12, 13, 14 -> creator 1; 21 -> creator 2
--   2025-08-18  14: 5 views, all from device 'hotdev', IP NULL
--   2025-08-20  11: 10 views, 2 likes
--               12: 20 views, 1 comment, 1 share
--               13: 1 share (no views)
--               21: 10 views, 1 like
--   (views on 08-20 each have their own device and IP; likes / comments / shares reuse the first view's)
BEGIN;
SELECT plan(7);
\ir ../common/app_tables.sql

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, 75, false),
    (2, 0, 3, NULL, true);
INSERT INTO public.videos (id, creator_id, created_at) VALUES
    (11, 1, NULL), (12, 1, NULL), (13, 1, NULL), (14, 1, NULL), (21, 2, NULL);

INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 14, 'view', timestamptz '2025-08-18 10:00:00+00' + g * interval '1 minute', 'hotdev', NULL FROM generate_series(1, 5) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT v, 'view', timestamptz '2025-08-20 10:00:00+00' + g * interval '1 minute', 'd' || v || '-' || g, 'i' || v || '-' || g
FROM (VALUES (11, 10), (12, 20), (21, 10)) AS x(v, n), generate_series(1, n) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT v, t, timestamptz '2025-08-20 12:00:00+00', 'd' || v || '-1', 'i' || v || '-1'
FROM (VALUES (11, 'like'), (11, 'like'), (12, 'comment'), (12, 'share'), (13, 'share'), (21, 'like')) AS x(v, t);

-- ---- assertions ----

-- 2025-08-20 video rows (cohort {11, 12, 13, 21}; 14 has no event that day):
--   11: raw = 10 + 3*2 = 16, ER = 2/10 = 0.2;  12: raw = 20 + 5 + 8 = 33, ER = 2/20 = 0.1
--   13: raw = 8, ER = 1/max(1, 0) = 1.0;       21: raw = 10 + 3 = 13, ER = 1/10 = 0.1
--   mu = (0.2 + 0.1 + 1.0 + 0.1)/4 = 0.35; deviations -0.15, -0.25, 0.65, -0.25
--   sigma = sqrt((0.0225 + 0.0625 + 0.4225 + 0.0625)/4) = sqrt(0.1425) = 0.377491722
--   z: 11 -0.15/0.377491722 = -0.397359707 -> 0.996026402929; 12, 21 -0.662266179 -> 0.993377338215;
--      13 +1.721892066 -> 1.017218920642
--   cluster: 11 1/10, 12 1/20, 21 1/10 -> 1.0; 13 n = 0 -> 1.0
--   units: 11 16 * 0.996026402929 = 15.936422447; 12 33 * 0.993377338215 = 32.781452161;
--          13 8 * 1.017218920642 = 8.137751365;   21 13 * 0.993377338215 = 12.913905397
SELECT results_eq(
    $$SELECT video_id, creator_id, views, likes, comments, shares, round(raw_units::numeric, 9), round(quality_mult::numeric, 9),
             round(early_mult::numeric, 9), round(cluster_mult::numeric, 9), round(units::numeric, 9)
        FROM revenue_split_video_units('2025-08-20') ORDER BY video_id$$,
    $$VALUES (11::bigint, 1::bigint, 10::bigint, 2::bigint, 0::bigint, 0::bigint, 16::numeric, 0.996026403, 1::numeric, 1::numeric, 15.936422447),
             (12, 1, 20, 0, 1, 1, 33, 0.993377338, 1, 1, 32.781452161),
             (13, 1,  0, 0, 0, 1,  8, 1.017218921, 1, 1,  8.137751365),
             (21, 2, 10, 1, 0, 0, 13, 0.993377338, 1, 1, 12.913905397)$$,
    '2025-08-20: video rows');

-- creator 1, window [08-14, 08-21): views 10 + 20 + 5 (video 14 on 08-18) = 35;
--   uniq_dev 10 + 20 + 1 (hotdev) = 31; uniq_ip 10 + 20 = 30; likes + comments = 2 + 1 = 3
--   score = (min(1, 155/35) + min(1, 150/35) + min(1, 30/35))/3 = (2 + 6/7)/3 = 20/21 = 0.952380952
--   integrity = 0.97 + 0.06 * 20/21 = 1.027142857; trust 75 -> 1.10
--   Σ video units = 15.936422447 + 32.781452161 + 8.137751365 = 56.855625973
--   units = 1.027142857143 * 1.10 * 56.855625973 = 1.129857142857 * 56.855625973 = 64.238735117
--   raw = 16 + 33 + 8 = 57; videos 3 (14 is not in the cohort)
-- creator 2 (bot): integrity: views 10, uniq 10 / 10, likes 1 -> score 1 -> 1.03; trust NULL -> 1.0;
--   units 0, raw 13, videos 1, excluded
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), round(raw_units::numeric, 9), videos,
             round(integrity_mult::numeric, 9), round(trust_mult::numeric, 9), excluded
        FROM revenue_split_units('2025-08-20') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 64.238735117::numeric, 57::numeric, 3, 1.027142857::numeric, 1.10::numeric, false),
             (2, 0, 13, 1, 1.03, 1.00, true)$$,
    '2025-08-20: creator rows (3 videos summed; the bot at 0)');

-- The same rule checked against the functions' own outputs, for every creator of the day.
SELECT is_empty(
    $$SELECT c.creator_id
        FROM revenue_split_units('2025-08-20') c
        JOIN (SELECT creator_id, sum(units) AS su, sum(raw_units) AS sr, count(*) AS n
                FROM revenue_split_video_units('2025-08-20') GROUP BY creator_id) v USING (creator_id)
       WHERE abs(c.units - c.integrity_mult * c.trust_mult * CASE WHEN c.excluded THEN 0 ELSE 1 END * v.su) > 1e-9
          OR abs(c.raw_units - v.sr) > 1e-9
          OR c.videos <> v.n$$,
    '2025-08-20: units = integrity * trust * bot * Σ video units, raw_units = Σ raw, videos = count');
SELECT set_eq($$SELECT creator_id FROM revenue_split_units('2025-08-20')$$,
              $$SELECT DISTINCT creator_id FROM revenue_split_video_units('2025-08-20')$$,
    '2025-08-20: one creator row per creator with a cohort video');

-- 2025-08-18: cohort {14}: 5 views from one device -> raw 5, quality 1 (single video),
--   cluster 5/5 = 1.0 -> floor 0.70 -> units 3.5
--   creator 1, window [08-12, 08-19): views 5, uniq_dev 1, uniq_ip 0, likes + comments 0
--   score = (min(1, 5/5) + 0 + 0)/3 = 1/3 -> integrity 0.99; units = 0.99 * 1.10 * 3.5 = 3.8115
SELECT results_eq(
    $$SELECT video_id, creator_id, views, round(raw_units::numeric, 9), round(cluster_mult::numeric, 9), round(units::numeric, 9)
        FROM revenue_split_video_units('2025-08-18') ORDER BY video_id$$,
    $$VALUES (14::bigint, 1::bigint, 5::bigint, 5::numeric, 0.7::numeric, 3.5::numeric)$$,
    '2025-08-18: video rows');
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), round(raw_units::numeric, 9), videos,
             round(integrity_mult::numeric, 9), round(trust_mult::numeric, 9), excluded
        FROM revenue_split_units('2025-08-18') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 3.8115::numeric, 5::numeric, 1, 0.99::numeric, 1.10::numeric, false)$$,
    '2025-08-18: creator row = 0.99 * 1.10 * 3.5');
SELECT is_empty($$SELECT * FROM revenue_split_units('2025-08-19')$$, '2025-08-19: no events, no creator rows');

SELECT * FROM finish();
ROLLBACK;

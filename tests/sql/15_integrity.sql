-- Scenario group: seven-day integrity (SPEC §4.1). Window [D-6 00:00, D+1 00:00) UTC, all counted
-- events of ALL the creator's videos (also videos not in the day's cohort); uniq_dev / uniq_ip over
-- view events only, NULL not a device / IP; shares are not in the score.
--
-- Creator 1: videos 101 and 102 (created_at NULL). Creator 2: video 201. Users 1 and 2, trust NULL.
--   2025-08-13 23:59:59.999999  101 view (device dvOld, IP ipOld) + like   -> just before the 08-20 window
--   2025-08-14 00:00:00         101 view (device dv0, IP NULL)             -> first instant of the 08-20 window
--   2025-08-15 10:00            102 like
--   2025-08-16 10:01 .. 10:49   102 49 views, devices dv(g % 10), IPs ip(g % 4); 2 comments (device cDev),
--                                   3 shares
--   2025-08-17 10:00            102 5 'View' and 2 'comments' events with new devices / IPs (ignored)
--   2025-08-20 08:01 .. 08:50   101 50 views, devices dv(g % 10), IP NULL; 2 likes (device likeDev, IP likeIp)
--   2025-08-20 12:00            201 3 likes (no views)
--   2025-08-21 00:00:00 + g s   101 6 views (g = 0..5, devices n0..n5, IPs ni0..ni5) -> day 08-21, not in 08-20's window
BEGIN;
SELECT plan(7);
\ir ../common/app_tables.sql

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, NULL, false),
    (2, 0, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES (101, 1, NULL), (102, 1, NULL), (201, 2, NULL);

INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash) VALUES
    (101, 'view', '2025-08-13 23:59:59.999999+00', 'dvOld', 'ipOld'),
    (101, 'like', '2025-08-13 23:59:59.999999+00', 'dvOld', 'ipOld'),
    (101, 'view', '2025-08-14 00:00:00+00', 'dv0', NULL),
    (102, 'like', '2025-08-15 10:00:00+00', 'lDev', 'lIp'),
    (102, 'comment', '2025-08-16 11:00:00+00', 'cDev', 'cIp'),
    (102, 'comment', '2025-08-16 11:00:00+00', 'cDev', 'cIp'),
    (102, 'share', '2025-08-16 11:00:00+00', 'sDev', 'sIp'),
    (102, 'share', '2025-08-16 11:00:00+00', 'sDev', 'sIp'),
    (102, 'share', '2025-08-16 11:00:00+00', 'sDev', 'sIp'),
    (101, 'like', '2025-08-20 09:00:00+00', 'likeDev', 'likeIp'),
    (101, 'like', '2025-08-20 09:00:00+00', 'likeDev', 'likeIp'),
    (201, 'like', '2025-08-20 12:00:00+00', 'x', 'x'),
    (201, 'like', '2025-08-20 12:00:00+00', 'x', 'x'),
    (201, 'like', '2025-08-20 12:00:00+00', 'x', 'x');
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 102, 'view', timestamptz '2025-08-16 10:00:00+00' + g * interval '1 minute', 'dv' || (g % 10), 'ip' || (g % 4)
FROM generate_series(1, 49) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 102, t, timestamptz '2025-08-17 10:00:00+00', 'vDev' || g, 'vIp' || g
FROM unnest(ARRAY['View', 'View', 'View', 'View', 'View', 'comments', 'comments']) WITH ORDINALITY AS x(t, g);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 101, 'view', timestamptz '2025-08-20 08:00:00+00' + g * interval '1 minute', 'dv' || (g % 10), NULL
FROM generate_series(1, 50) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 101, 'view', timestamptz '2025-08-21 00:00:00+00' + g * interval '1 second', 'n' || g, 'ni' || g
FROM generate_series(0, 5) g;

-- ---- assertions ----

-- 2025-08-20 video rows (cohort {101, 201}; 102 has no event that day):
--   101: views 50, likes 2 -> raw = 50 + 6 = 56; ER = 2/50 = 0.04; cluster: top device 5/50 = 0.1, IPs NULL -> 1.0
--   201: likes 3 -> raw 9; ER = 3/max(1, 0) = 3; cluster n = 0 -> 1.0
--   two different ERs -> z = -1 / +1 -> quality 0.99 / 1.01
--   units: 101 = 56 * 0.99 = 55.44; 201 = 9 * 1.01 = 9.09
SELECT results_eq(
    $$SELECT video_id, creator_id, views, likes, comments, shares, round(raw_units::numeric, 9), round(quality_mult::numeric, 9),
             round(early_mult::numeric, 9), round(cluster_mult::numeric, 9), round(units::numeric, 9)
        FROM revenue_split_video_units('2025-08-20') ORDER BY video_id$$,
    $$VALUES (101::bigint, 1::bigint, 50::bigint, 2::bigint, 0::bigint, 0::bigint, 56::numeric, 0.99, 1::numeric, 1::numeric, 55.44),
             (201, 2, 0, 3, 0, 0, 9, 1.01, 1, 1, 9.09)$$,
    '2025-08-20: video rows');

-- 2025-08-20 creator 1, window [08-14 00:00, 08-21 00:00):
--   views = 1 (08-14 00:00:00) + 49 (102 on 08-16) + 50 (101 on 08-20) = 100
--     (08-13 23:59:59.999999 and 08-21 00:00:00 are outside; 'View' is ignored)
--   uniq_dev = 10 (dv0..dv9; likeDev, cDev belong to non-views, vDev to ignored events)
--   uniq_ip = 4 (ip0..ip3; the 50 NULL IPs are no IP)
--   likes + comments = 2 (101 on 08-20) + 2 (102 on 08-16) + 1 (102 on 08-15) = 5 (shares and 'comments' not counted)
--   score = (min(1, 5*10/100) + min(1, 5*4/100) + min(1, 10*5/100))/3 = (0.5 + 0.2 + 0.5)/3 = 0.4
--   integrity = 0.97 + 0.06 * 0.4 = 0.994 (SPEC example); units = 0.994 * 55.44 = 55.10736; raw 56; videos 1
-- creator 2: views 0, uniq 0 / 0, likes 3
--   score = (min(1, 0/1) + min(1, 0/1) + min(1, 10*3/max(1, 0)))/3 = 1/3 -> integrity 0.97 + 0.02 = 0.99
--   units = 0.99 * 9.09 = 8.9991
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), round(raw_units::numeric, 9), videos,
             round(integrity_mult::numeric, 9), round(trust_mult::numeric, 9), excluded
        FROM revenue_split_units('2025-08-20') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 55.10736::numeric, 56::numeric, 1, 0.994::numeric, 1::numeric, false),
             (2, 8.9991, 9, 1, 0.99, 1, false)$$,
    '2025-08-20: creator rows');
SELECT is((SELECT round(integrity_mult::numeric, 9) FROM revenue_split_units('2025-08-20') WHERE creator_id = 1), 0.994,
    'creator 1: views 100, uniq_dev 10, uniq_ip 4, likes+comments 5 over both videos and the window edges -> 0.994');
SELECT is((SELECT round(integrity_mult::numeric, 9) FROM revenue_split_units('2025-08-20') WHERE creator_id = 2), 0.99,
    'creator 2: no views, 3 likes -> score 1/3 -> 0.99');
SELECT is((SELECT videos FROM revenue_split_units('2025-08-20') WHERE creator_id = 1), 1,
    'creator 1: videos counts cohort videos only (102 is in the integrity window, not in the cohort)');

-- 2025-08-21: cohort {101}: 6 views, unique devices / IPs -> raw 6, quality 1, cluster 1/6 -> 1.0, units 6
-- creator 1, window [08-15 00:00, 08-22 00:00):
--   views = 49 (08-16) + 50 (08-20) + 6 (08-21) = 105 (08-14 00:00:00 now outside)
--   uniq_dev = 10 + 6 = 16; uniq_ip = 4 + 6 = 10; likes + comments = 1 + 2 + 2 = 5
--   score = (min(1, 80/105) + min(1, 50/105) + min(1, 50/105))/3 = 180/315 = 0.571428571
--   integrity = 0.97 + 0.06 * 4/7 = 1.004285714; units = 6 * 1.004285714 = 6.025714286
SELECT results_eq(
    $$SELECT video_id, creator_id, views, likes, comments, shares, round(raw_units::numeric, 9), round(quality_mult::numeric, 9),
             round(early_mult::numeric, 9), round(cluster_mult::numeric, 9), round(units::numeric, 9)
        FROM revenue_split_video_units('2025-08-21') ORDER BY video_id$$,
    $$VALUES (101::bigint, 1::bigint, 6::bigint, 0::bigint, 0::bigint, 0::bigint, 6::numeric, 1::numeric, 1::numeric, 1::numeric, 6::numeric)$$,
    '2025-08-21: video rows');
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), round(raw_units::numeric, 9), videos,
             round(integrity_mult::numeric, 9), round(trust_mult::numeric, 9), excluded
        FROM revenue_split_units('2025-08-21') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 6.025714286::numeric, 6::numeric, 1, 1.004285714::numeric, 1::numeric, false)$$,
    '2025-08-21: the window slides by one day (08-14 out, 08-21 in)');

SELECT * FROM finish();
ROLLBACK;

-- Scenario group: early velocity kicker (SPEC §3.2). Window [created_at, created_at + 2 h), view
-- events only, any day; the kicker is a property of the video and applies on every day it earns.
--
-- All videos belong to creator 1. Early-window traffic (the device / IP of view g is given by g):
--   11  created 2025-08-10 14:00  50 views g = 0..49 at 14:00 + 2g min (the first at exactly 14:00:00),
--                                 devices g % 25 (25), IPs g % 20 (20) -> 50 >= 50, 25 >= 25, 20 >= 20 -> 1.05;
--                                 also in the window 10 likes and 5 'View' events, and at 13:59:59.999999
--                                 a view before the window, all from device e11d0 / IP e11i0 (counting any
--                                 of them would break the device ratio: 51 or 60 or 55 views, 25 devices)
--   12  created 2025-08-11 09:00  49 views g = 1..49 at 09:00 + 2g min, devices g % 25 (25), IPs g % 20 (20)
--                                 -> 49 < 50 -> 1.0; outside the window: a view at exactly 11:00:00
--                                 (created_at + 2 h) and one at 08:59:59.999999, each with a new device and IP;
--                                 in the window 5 likes with new devices and IPs (counting any of them -> 1.05)
--   13  created 2025-08-11 12:00  50 views, devices g % 24 (24 < 25), IPs g % 20 -> 1.0
--   14  created 2025-08-11 15:00  50 views, devices g % 25, IPs g % 19 (19 < 20) -> 1.0
--   15  created_at NULL           60 diverse views on 2025-08-11 18:00 -> 1.0
--   16  created 2025-08-12 23:00  30 views 23:00..23:58 and 30 views 08-13 00:00..00:58, all distinct
--                                 -> the window crosses midnight: 60 views, 60 devices, 60 IPs -> 1.05
--   17  created 2025-08-14 10:00  SPEC example: 60 views, 40 devices, 30 IPs (30 >= 24) -> 1.05
--   18  created 2025-08-15 10:00  SPEC example: 60 views, 40 devices, 20 IPs (20 < 24) -> 1.0
-- On 2025-08-20 every video has 10 views (own device and IP each, outside every window): raw 10, ER 0,
-- so the cohort has sigma 0 (quality 1.0) and cluster 1/10 -> 1.0; units = 10 * early_mult.
BEGIN;
SELECT plan(19);
\ir ../common/app_tables.sql

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES (1, 0, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES
    (11, 1, '2025-08-10 14:00:00+00'),
    (12, 1, '2025-08-11 09:00:00+00'),
    (13, 1, '2025-08-11 12:00:00+00'),
    (14, 1, '2025-08-11 15:00:00+00'),
    (15, 1, NULL),
    (16, 1, '2025-08-12 23:00:00+00'),
    (17, 1, '2025-08-14 10:00:00+00'),
    (18, 1, '2025-08-15 10:00:00+00');

-- video 11: exactly at the thresholds
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 11, 'view', timestamptz '2025-08-10 14:00:00+00' + g * interval '2 minutes', 'e11d' || (g % 25), 'e11i' || (g % 20)
FROM generate_series(0, 49) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 11, t, timestamptz '2025-08-10 14:30:00+00', 'e11d0', 'e11i0'
FROM unnest(ARRAY['like', 'like', 'like', 'like', 'like', 'like', 'like', 'like', 'like', 'like',
                  'View', 'View', 'View', 'View', 'View']) t;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash) VALUES
    (11, 'view', '2025-08-10 13:59:59.999999+00', 'e11d0', 'e11i0');

-- video 12: 49 views in the window
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 12, 'view', timestamptz '2025-08-11 09:00:00+00' + g * interval '2 minutes', 'e12d' || (g % 25), 'e12i' || (g % 20)
FROM generate_series(1, 49) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash) VALUES
    (12, 'view', '2025-08-11 11:00:00+00',        'e12dX', 'e12iX'),
    (12, 'view', '2025-08-11 08:59:59.999999+00', 'e12dY', 'e12iY');
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 12, 'like', timestamptz '2025-08-11 10:00:00+00', 'e12dL' || g, 'e12iL' || g
FROM generate_series(1, 5) g;

-- videos 13, 14: one ratio just short
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 13, 'view', timestamptz '2025-08-11 12:00:00+00' + g * interval '2 minutes', 'e13d' || (g % 24), 'e13i' || (g % 20)
FROM generate_series(0, 49) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 14, 'view', timestamptz '2025-08-11 15:00:00+00' + g * interval '2 minutes', 'e14d' || (g % 25), 'e14i' || (g % 19)
FROM generate_series(0, 49) g;

-- video 15: created_at NULL
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 15, 'view', timestamptz '2025-08-11 18:00:00+00' + g * interval '1 minute', 'e15d' || g, 'e15i' || g
FROM generate_series(1, 60) g;

-- video 16: window crossing midnight
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 16, 'view', timestamptz '2025-08-12 23:00:00+00' + g * interval '2 minutes', 'e16d' || g, 'e16i' || g
FROM generate_series(0, 59) g;

-- videos 17, 18: SPEC examples
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 17, 'view', timestamptz '2025-08-14 10:00:00+00' + g * interval '1 minute', 'e17d' || (g % 40), 'e17i' || (g % 30)
FROM generate_series(0, 59) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 18, 'view', timestamptz '2025-08-15 10:00:00+00' + g * interval '1 minute', 'e18d' || (g % 40), 'e18i' || (g % 20)
FROM generate_series(0, 59) g;

-- 2025-08-20: 10 diverse views of each video
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT v, 'view', timestamptz '2025-08-20 12:00:00+00' + g * interval '1 minute', 'late' || v || '-' || g, 'latei' || v || '-' || g
FROM generate_series(11, 18) v, generate_series(1, 10) g;

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

-- 2025-08-20: raw 10, quality 1 (all ER 0), cluster 1 (1/10); units = 10 * early_mult
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-20')$$,
    $$VALUES (11::bigint, 1::bigint, 10::bigint, 0::bigint, 0::bigint, 0::bigint, 10::numeric, 1::numeric, 1.05, 1::numeric, 10.5),
             (12, 1, 10, 0, 0, 0, 10, 1, 1.00, 1, 10.0),
             (13, 1, 10, 0, 0, 0, 10, 1, 1.00, 1, 10.0),
             (14, 1, 10, 0, 0, 0, 10, 1, 1.00, 1, 10.0),
             (15, 1, 10, 0, 0, 0, 10, 1, 1.00, 1, 10.0),
             (16, 1, 10, 0, 0, 0, 10, 1, 1.05, 1, 10.5),
             (17, 1, 10, 0, 0, 0, 10, 1, 1.05, 1, 10.5),
             (18, 1, 10, 0, 0, 0, 10, 1, 1.00, 1, 10.0)$$,
    '2025-08-20: the kicker earned in the creation window applies days later (units = 10 * early_mult)');
SELECT is((SELECT round(early_mult::numeric, 9) FROM revenue_split_video_units('2025-08-20') WHERE video_id = 11), 1.05,
    'video 11: exactly 50 views / 25 devices / 20 IPs (view at created_at counts; likes, View and earlier view do not) -> 1.05');
SELECT is((SELECT round(early_mult::numeric, 9) FROM revenue_split_video_units('2025-08-20') WHERE video_id = 12), 1.0,
    'video 12: 49 views (view at created_at + 2h, view before created_at, likes not counted) -> 1.0');
SELECT is((SELECT round(early_mult::numeric, 9) FROM revenue_split_video_units('2025-08-20') WHERE video_id = 13), 1.0,
    'video 13: 50 views, 24 devices < 0.5 * 50 -> 1.0');
SELECT is((SELECT round(early_mult::numeric, 9) FROM revenue_split_video_units('2025-08-20') WHERE video_id = 14), 1.0,
    'video 14: 50 views, 19 IPs < 0.4 * 50 -> 1.0');
SELECT is((SELECT round(early_mult::numeric, 9) FROM revenue_split_video_units('2025-08-20') WHERE video_id = 15), 1.0,
    'video 15: created_at NULL -> 1.0');
SELECT is((SELECT round(early_mult::numeric, 9) FROM revenue_split_video_units('2025-08-20') WHERE video_id = 16), 1.05,
    'video 16: window crossing midnight, 30 + 30 views -> 1.05');
SELECT is((SELECT round(early_mult::numeric, 9) FROM revenue_split_video_units('2025-08-20') WHERE video_id = 17), 1.05,
    'video 17: SPEC example 60 views / 40 devices / 30 IPs -> 1.05');
SELECT is((SELECT round(early_mult::numeric, 9) FROM revenue_split_video_units('2025-08-20') WHERE video_id = 18), 1.0,
    'video 18: SPEC example 60 views / 40 devices / 20 IPs (20 < 24) -> 1.0');

-- 2025-08-12: cohort {16}: views g = 0..29 (23:00..23:58), all distinct -> raw 30, quality 1 (single video),
--   cluster 1/30 -> 1.0, early 1.05 (window counted over both days) -> units 30 * 1.05 = 31.5
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-12')$$,
    $$VALUES (16::bigint, 1::bigint, 30::bigint, 0::bigint, 0::bigint, 0::bigint, 30::numeric, 1::numeric, 1.05, 1::numeric, 31.5)$$,
    '2025-08-12: video created at 23:00 gets 1.05 on its first day, counting early views of the next day');
-- 2025-08-13: cohort {16}: views g = 30..59 (00:00..00:58) -> raw 30, units 31.5
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-13')$$,
    $$VALUES (16::bigint, 1::bigint, 30::bigint, 0::bigint, 0::bigint, 0::bigint, 30::numeric, 1::numeric, 1.05, 1::numeric, 31.5)$$,
    '2025-08-13: the same window, counted from the next day');
-- 2025-08-10: cohort {11}: views 50 + 1 (13:59:59.999999, in the day though not in the window) = 51, likes 10
--   ('View' ignored) -> raw = 51 + 30 = 81; quality 1 (single video);
--   cluster: top device e11d0 = 3 (g = 0, 25 and the 13:59 view), top IP e11i0 = 4 (g = 0, 20, 40, 13:59)
--   -> 4/51 = 0.078 <= 0.2 -> 1.0; early 1.05 -> units = 81 * 1.05 = 85.05
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-10')$$,
    $$VALUES (11::bigint, 1::bigint, 51::bigint, 10::bigint, 0::bigint, 0::bigint, 81::numeric, 1::numeric, 1.05, 1::numeric, 85.05)$$,
    '2025-08-10: day counts include the view before created_at; early window excludes it');

-- The same early windows through every read path (results must not depend on the indexes):
-- video 19, created 2025-08-20 23:00, gets 30 distinct views 23:00..23:29 on the 20th and 30 more
-- 00:00..00:29 on the 21st -> 60 views, 60 devices, 60 IPs -> 1.05 on the 20th, although half of
-- its window lies after the day's pass (counting only the 20th: 30 < 50 -> 1.0). Videos 11..16
-- were launched before the pass (2025-08-14..20), 17 and 18 inside it.
INSERT INTO public.videos (id, creator_id, created_at) VALUES (19, 1, '2025-08-20 23:00:00+00');
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 19, 'view', timestamptz '2025-08-20 23:00:00+00' + g * interval '1 minute', 'e19d' || g, 'e19i' || g
FROM generate_series(0, 29) g
UNION ALL
SELECT 19, 'view', timestamptz '2025-08-21 00:00:00+00' + g * interval '1 minute', 'e19d' || (30 + g), 'e19i' || (30 + g)
FROM generate_series(0, 29) g;
CREATE FUNCTION pg_temp.early_0820() RETURNS TABLE (video_id bigint, early_mult numeric) LANGUAGE sql AS $$
    SELECT video_id, round(early_mult::numeric, 9) FROM revenue_split_video_units('2025-08-20') ORDER BY video_id
$$;
CREATE FUNCTION pg_temp.early_expected() RETURNS TABLE (video_id bigint, early_mult numeric) LANGUAGE sql AS $$
    VALUES (11::bigint, 1.05), (12, 1.00), (13, 1.00), (14, 1.00), (15, 1.00), (16, 1.05), (17, 1.05), (18, 1.00), (19, 1.05)
$$;
-- event(ts) btree (the fixture's): windows clipped to the first/last event, read by ts range
SELECT results_eq('SELECT * FROM pg_temp.early_0820()', 'SELECT * FROM pg_temp.early_expected()',
    'early windows before and after the pass, with an event(ts) btree');
DROP INDEX public.event_ts_idx;
SELECT results_eq('SELECT * FROM pg_temp.early_0820()', 'SELECT * FROM pg_temp.early_expected()',
    'early windows before and after the pass, with no index on event');
CREATE INDEX event_ts_brin ON public.event USING brin (ts);
SELECT results_eq('SELECT * FROM pg_temp.early_0820()', 'SELECT * FROM pg_temp.early_expected()',
    'early windows before and after the pass, with only a BRIN index on ts (not used for first/last)');
CREATE INDEX event_video_ts_idx ON public.event (video_id, ts);
SELECT results_eq('SELECT * FROM pg_temp.early_0820()', 'SELECT * FROM pg_temp.early_expected()',
    'early windows before and after the pass, one probe per video with an event(video_id, ts) index');
-- The same through a covering index (the doctor's suggestion), whose probes may be index-only.
CREATE INDEX event_video_ts_cover ON public.event (video_id, ts) INCLUDE (event_type, device_id, ip_hash);
DROP INDEX public.event_video_ts_idx;
SELECT results_eq('SELECT * FROM pg_temp.early_0820()', 'SELECT * FROM pg_temp.early_expected()',
    'early windows before and after the pass, with event(video_id, ts) INCLUDE (event_type, device_id, ip_hash)');
CREATE INDEX event_video_ts_idx ON public.event (video_id, ts);
DROP INDEX public.event_video_ts_cover;

-- early_min_views = 0 (issue 12): the SPEC formula holds for a launched video with no early view
-- at all (0 >= 0, 0 >= 0.5 * 0, 0 >= 0.4 * 0) -> 1.05, whether its window lies inside the pass
-- (video 20, launched 2025-08-20 01:00, first view at 05:00) or before it (video 21, launched
-- 2025-08-01, first view on the 20th); created_at NULL (video 15) stays 1.0. (0.2.0 gave 1.0.)
INSERT INTO public.videos (id, creator_id, created_at) VALUES (20, 1, '2025-08-20 01:00:00+00'), (21, 1, '2025-08-01 00:00:00+00');
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT v, 'view', timestamptz '2025-08-20 05:00:00+00' + g * interval '1 minute', 'z' || v || '-' || g, 'zi' || v || '-' || g
FROM unnest(ARRAY[20, 21]) v, generate_series(0, 9) g;
INSERT INTO revenue_split.config (early_min_views) VALUES (0);
SELECT results_eq(
    $$SELECT video_id, round(early_mult::numeric, 9) FROM revenue_split_video_units('2025-08-20') WHERE video_id IN (15, 20, 21) ORDER BY video_id$$,
    $$VALUES (15::bigint, 1.00), (20, 1.05), (21, 1.05)$$,
    'early_min_views = 0: launched videos without early views get the kicker; created_at NULL does not');
DROP INDEX public.event_video_ts_idx;
SELECT results_eq(
    $$SELECT video_id, round(early_mult::numeric, 9) FROM revenue_split_video_units('2025-08-20') WHERE video_id IN (15, 20, 21) ORDER BY video_id$$,
    $$VALUES (15::bigint, 1.00), (20, 1.05), (21, 1.05)$$,
    'early_min_views = 0: the same when the windows are read by ts range');

SELECT * FROM finish();
ROLLBACK;

-- Scenario group: cluster penalty (SPEC §3.3). Over the video's VIEW events of the day only:
-- top_share = max(top_dev, top_ip) / n with NULL device / IP not a device / IP; 1.0 when
-- top_share <= 0.20, else max(0.70, 1 - 2 * (top_share - 0.20)); 1.0 when n = 0.
--
-- Creator 1 owns every video; created_at is NULL (early 1.0). On 2025-08-14 every video has ER 0.1
-- (views + views/10 likes from a NULL device / IP, except 705), so sigma = 0 and quality = 1.0
-- (in floating point the mean of eight 0.1s may leave sigma ~1e-17: the SPEC's sigma < 1e-9 rule gives z = 0).
-- Views g = 1..100 (708: g = 1..10) at 2025-08-14 08:00 + g min; unless said, device / IP are unique.
--   701  device 'hot701' for g <= 30, IP 'hotip701' for g > 75        -> 30/100 = 0.30 -> 0.80 (SPEC example)
--   702  devices g % 10 (10 each), IP 'hotip702' for g <= 50          -> 50/100 = 0.50 -> 0.40 -> floor 0.70
--   703  device 'hot703' for g <= 35                                  -> 0.35 -> 1 - 0.30 = 0.70 (at the floor)
--   704  device 'hot704' for g <= 34                                  -> 0.34 -> 1 - 0.28 = 0.72
--   705  device 'hot705' for g <= 20, IP 'hotip705' for g > 80; its 10 likes come from 'hot705' /
--        'hotip705' (likes are not views)                             -> 20/100 = 0.20 -> 1.0
--   706  device NULL for g <= 40, IP NULL for g > 60                  -> top 1 -> 1.0 (NULL is no cluster)
--   707  unique devices today; on 2025-08-13 100 views all from 'hot707' -> today 1.0 (other days ignored)
--   708  10 views: g <= 3 device 'hot708', the others NULL device; all IPs NULL; 1 like
--        -> n counts every view: 3/10 = 0.30 -> 0.80
-- 2025-08-15: 702 has 10 unique views (1.0 again); 709 only 3 likes (n = 0 -> 1.0).
BEGIN;
SELECT plan(12);
\ir ../common/app_tables.sql

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES (1, 0, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at)
SELECT v, 1, NULL FROM generate_series(701, 709) v;

INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT v, 'view', timestamptz '2025-08-14 08:00:00+00' + g * interval '1 minute',
       CASE v WHEN 701 THEN CASE WHEN g <= 30 THEN 'hot701' ELSE 'd701-' || g END
              WHEN 702 THEN 'd702-' || (g % 10)
              WHEN 703 THEN CASE WHEN g <= 35 THEN 'hot703' ELSE 'd703-' || g END
              WHEN 704 THEN CASE WHEN g <= 34 THEN 'hot704' ELSE 'd704-' || g END
              WHEN 705 THEN CASE WHEN g <= 20 THEN 'hot705' ELSE 'd705-' || g END
              WHEN 706 THEN CASE WHEN g <= 40 THEN NULL ELSE 'd706-' || g END
              WHEN 707 THEN 'd707-' || g END,
       CASE v WHEN 701 THEN CASE WHEN g > 75 THEN 'hotip701' ELSE 'i701-' || g END
              WHEN 702 THEN CASE WHEN g <= 50 THEN 'hotip702' ELSE 'i702-' || g END
              WHEN 705 THEN CASE WHEN g > 80 THEN 'hotip705' ELSE 'i705-' || g END
              WHEN 706 THEN CASE WHEN g > 60 THEN NULL ELSE 'i706-' || g END
              ELSE 'i' || v || '-' || g END
FROM generate_series(701, 707) v, generate_series(1, 100) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT v, 'like', timestamptz '2025-08-14 12:00:00+00',
       CASE WHEN v = 705 THEN 'hot705' END, CASE WHEN v = 705 THEN 'hotip705' END
FROM generate_series(701, 707) v, generate_series(1, 10) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 708, 'view', timestamptz '2025-08-14 08:00:00+00' + g * interval '1 minute', CASE WHEN g <= 3 THEN 'hot708' END, NULL
FROM generate_series(1, 10) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash) VALUES
    (708, 'like', '2025-08-14 12:00:00+00', NULL, NULL);
-- 2025-08-13: video 707 from a single device
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 707, 'view', timestamptz '2025-08-13 08:00:00+00' + g * interval '1 minute', 'hot707', 'i707y-' || g
FROM generate_series(1, 100) g;
-- 2025-08-15
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 702, 'view', timestamptz '2025-08-15 08:00:00+00' + g * interval '1 minute', 'd702z-' || g, 'i702z-' || g
FROM generate_series(1, 10) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 709, 'like', timestamptz '2025-08-15 09:00:00+00', 'same', 'same'
FROM generate_series(1, 3) g;

CREATE FUNCTION pg_temp.vu(d date)
RETURNS TABLE (video_id bigint, creator_id bigint, views bigint, likes bigint, comments bigint, shares bigint,
               raw_units numeric, quality_mult numeric, early_mult numeric, cluster_mult numeric, units numeric)
LANGUAGE sql AS $$
    SELECT video_id, creator_id, views, likes, comments, shares,
           round(raw_units::numeric, 9), round(quality_mult::numeric, 9), round(early_mult::numeric, 9),
           round(cluster_mult::numeric, 9), round(units::numeric, 9)
    FROM revenue_split_video_units(d) ORDER BY video_id
$$;
CREATE FUNCTION pg_temp.cluster(d date, v bigint) RETURNS numeric LANGUAGE sql AS $$
    SELECT round(cluster_mult::numeric, 9) FROM revenue_split_video_units(d) WHERE video_id = v
$$;

-- ---- assertions ----

-- 2025-08-14: 701..707 raw = 100 + 3*10 = 130, 708 raw = 10 + 3 = 13; all ER 0.1 -> quality 1.0
--   units = raw * cluster: 701 130 * 0.80 = 104; 702 130 * 0.70 = 91; 703 130 * 0.70 = 91;
--   704 130 * 0.72 = 93.6; 705..707 130; 708 13 * 0.80 = 10.4
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-14')$$,
    $$VALUES (701::bigint, 1::bigint, 100::bigint, 10::bigint, 0::bigint, 0::bigint, 130::numeric, 1::numeric, 1::numeric, 0.80, 104.0),
             (702, 1, 100, 10, 0, 0, 130, 1, 1, 0.70,  91.0),
             (703, 1, 100, 10, 0, 0, 130, 1, 1, 0.70,  91.0),
             (704, 1, 100, 10, 0, 0, 130, 1, 1, 0.72,  93.6),
             (705, 1, 100, 10, 0, 0, 130, 1, 1, 1.00, 130.0),
             (706, 1, 100, 10, 0, 0, 130, 1, 1, 1.00, 130.0),
             (707, 1, 100, 10, 0, 0, 130, 1, 1, 1.00, 130.0),
             (708, 1,  10,  1, 0, 0,  13, 1, 1, 0.80,  10.4)$$,
    '2025-08-14: cluster rows');
SELECT is(pg_temp.cluster('2025-08-14', 701), 0.80,
    '701: 100 views, top device 30, top IP 25 -> top_share 0.30 -> 1 - 2 * 0.10 = 0.80');
SELECT is(pg_temp.cluster('2025-08-14', 702), 0.70,
    '702: top IP 50 of 100 (device top 10) -> 1 - 2 * 0.30 = 0.40 -> floor 0.70');
SELECT is(pg_temp.cluster('2025-08-14', 703), 0.70,
    '703: top device 35 of 100 -> 1 - 2 * 0.15 = 0.70, exactly the floor');
SELECT is(pg_temp.cluster('2025-08-14', 704), 0.72,
    '704: top device 34 of 100 -> 1 - 2 * 0.14 = 0.72');
SELECT is(pg_temp.cluster('2025-08-14', 705), 1.0,
    '705: top share exactly 0.20 -> 1.0 (likes from the top device are not views)');
SELECT is(pg_temp.cluster('2025-08-14', 706), 1.0,
    '706: 40 NULL devices and 40 NULL IPs are not a cluster -> 1.0');
SELECT is(pg_temp.cluster('2025-08-14', 707), 1.0,
    '707: yesterday''s single-device views do not count today -> 1.0');
SELECT is(pg_temp.cluster('2025-08-14', 708), 0.80,
    '708: views with NULL device still count in n: 3/10 = 0.30 -> 0.80');

-- 2025-08-13: cohort {707}: 100 views from 'hot707' -> top_share 1.0 -> 1 - 1.6 < 0.70 -> 0.70;
--   raw 100, quality 1 (single video) -> units 70
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-13')$$,
    $$VALUES (707::bigint, 1::bigint, 100::bigint, 0::bigint, 0::bigint, 0::bigint, 100::numeric, 1::numeric, 1::numeric, 0.70, 70.0)$$,
    '2025-08-13: 100 views from one device -> floor 0.70');
-- 2025-08-15: 702: 10 unique views -> raw 10, ER 0, cluster 1/10 -> 1.0
--             709: 3 likes, no views -> raw 9, ER = 3/max(1, 0) = 3, cluster n = 0 -> 1.0
--   two videos with different ERs: mu = 1.5, sigma = 1.5, z = -1 / +1 -> quality 0.99 / 1.01
--   units: 702 10 * 0.99 = 9.9; 709 9 * 1.01 = 9.09
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-15')$$,
    $$VALUES (702::bigint, 1::bigint, 10::bigint, 0::bigint, 0::bigint, 0::bigint, 10::numeric, 0.99, 1::numeric, 1::numeric, 9.90),
             (709, 1, 0, 3, 0, 0, 9, 1.01, 1, 1, 9.09)$$,
    '2025-08-15: 702 unpenalised the next day; 709 with no views -> cluster 1.0');
SELECT is(pg_temp.cluster('2025-08-15', 709), 1.0, '709: no views (n = 0) -> 1.0');

SELECT * FROM finish();
ROLLBACK;

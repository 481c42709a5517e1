-- Scenario group: int ids (SPEC §1: ids may be int or bigint). users.id, videos.id,
-- videos.creator_id and event.video_id are recreated as int; the functions still return bigint ids.
--
--   users 1 (trust 0 -> 0.80), 2147483647 (= max int, trust 100 -> 1.20)
--   videos 1 -> creator 1; 7 and 2147483647 -> creator 2147483647; created_at NULL (early 1.0)
--   2025-08-20, every view with its own device and IP (cluster 1/10 -> 1.0):
--     1           10 views                -> raw 10, ER 0
--     7           10 views, 5 likes       -> raw 10 + 15 = 25, ER 0.5
--     2147483647  10 views, 10 likes      -> raw 10 + 30 = 40, ER 1
BEGIN;
SELECT plan(4);
\ir ../common/app_tables.sql

DROP TABLE public.users, public.videos, public.event;
CREATE TABLE public.users (
    id                  int PRIMARY KEY,
    current_balance     bigint,
    kyc_level           int,
    creator_trust_score numeric,
    likely_bot          boolean
);
CREATE TABLE public.videos (
    id         int PRIMARY KEY,
    creator_id int,
    created_at timestamptz
);
CREATE TABLE public.event (
    video_id   int,
    event_type text,
    ts         timestamptz,
    device_id  text,
    ip_hash    text
);
CREATE INDEX event_ts_idx ON public.event (ts);

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, 0, false),
    (2147483647, 0, 3, 100, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES
    (1, 1, NULL),
    (7, 2147483647, NULL),
    (2147483647, 2147483647, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT v, 'view', timestamptz '2025-08-20 10:00:00+00' + g * interval '1 minute', 'd' || v || '-' || g, 'i' || v || '-' || g
FROM unnest(ARRAY[1, 7, 2147483647]) v, generate_series(1, 10) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 2147483647, 'like', timestamptz '2025-08-20 11:00:00+00', 'd2147483647-1', 'i2147483647-1' FROM generate_series(1, 10);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 7, 'like', timestamptz '2025-08-20 11:00:00+00', 'd7-1', 'i7-1' FROM generate_series(1, 5);

-- ---- assertions ----

SELECT is((SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = 'public.event'::regclass AND attname = 'video_id'),
    'integer', 'event.video_id is int in this scenario');
-- quality: ERs 0 (1), 0.5 (7), 1 (2147483647) -> mu 0.5, sigma = sqrt(1/6) = 0.408248290
--   z = -1.224744871 -> 0.987752551; 0 -> 1.0; +1.224744871 -> 1.012247449
--   units: 1 -> 10 * 0.987752551 = 9.877525513; 7 -> 25; 2147483647 -> 40 * 1.012247449 = 40.489897949
SELECT results_eq(
    $$SELECT video_id, creator_id, views, likes, comments, shares, round(raw_units::numeric, 9), round(quality_mult::numeric, 9),
             round(early_mult::numeric, 9), round(cluster_mult::numeric, 9), round(units::numeric, 9)
        FROM revenue_split_video_units('2025-08-20') ORDER BY video_id$$,
    $$VALUES (1::bigint, 1::bigint, 10::bigint, 0::bigint, 0::bigint, 0::bigint, 10::numeric, 0.987752551, 1::numeric, 1::numeric, 9.877525513),
             (7, 2147483647, 10,  5, 0, 0, 25, 1.000000000, 1, 1, 25.000000000),
             (2147483647, 2147483647, 10, 10, 0, 0, 40, 1.012247449, 1, 1, 40.489897949)$$,
    'int ids: video rows (ids returned as bigint)');
-- creator 1: views 10, uniq 10 / 10, likes+comments 0 -> 2/3 -> 1.01; trust 0.80
--   units = 1.01 * 0.80 * 9.877525513 = 7.981040614
-- creator 2147483647: views 20, uniq 20 / 20, likes 15 -> 1.03; trust 1.20
--   units = 1.236 * (25 + 40.4898979486) = 80.945513864; raw 65; videos 2
SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), round(raw_units::numeric, 9), videos,
             round(integrity_mult::numeric, 9), round(trust_mult::numeric, 9), excluded
        FROM revenue_split_units('2025-08-20') ORDER BY creator_id$$,
    $$VALUES (1::bigint, 7.981040614::numeric, 10::numeric, 1, 1.01::numeric, 0.80::numeric, false),
             (2147483647, 80.945513864, 65, 2, 1.03, 1.20, false)$$,
    'int ids: creator rows');
SELECT is((SELECT pg_typeof(video_id)::text || ' ' || pg_typeof(creator_id)::text FROM revenue_split_video_units('2025-08-20') LIMIT 1),
    'bigint bigint', 'int ids: video_id and creator_id come back as bigint');

SELECT * FROM finish();
ROLLBACK;

-- Scenario group: the physical order of `event`. The pass reads events in ts order through the
-- event(ts) index when pg_stats says the table is stored roughly in ts order, and sorts them when
-- it is not (|correlation| < 0.5, see src/sql/events_by_sort.sql). Both reads must give exactly
-- the same units and money: the same rows are computed once stored in ts order and once shuffled.
--
-- 3,000 events over 2025-08-01 .. 08-11 (one every 5 minutes), 13 videos of 4 creators, created
-- before and during the period (early windows inside and outside each day's pass), repeating
-- devices and IPs (cluster tops, 7-day distinct counts), views / likes / comments / shares,
-- NULL IPs; KYC caps 5,000 and 50,000 cents and unlimited.
BEGIN;
SELECT plan(7);
\ir ../common/app_tables.sql

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot)
SELECT c, 0, 1 + c % 3, 40 + 10 * c, false FROM generate_series(1, 4) c;
INSERT INTO public.videos (id, creator_id, created_at)
SELECT v, 1 + v % 4, timestamptz '2025-07-30 00:00:00+00' + v * interval '17 hours' FROM generate_series(1, 13) v;

CREATE TEMP TABLE gen AS
SELECT 1 + (g * 7) % 13 AS video_id,
       CASE WHEN g % 10 < 7 THEN 'view' WHEN g % 10 = 7 THEN 'like' WHEN g % 10 = 8 THEN 'comment' ELSE 'share' END AS event_type,
       timestamptz '2025-08-01 00:00:00+00' + g * interval '5 minutes' AS ts,
       'd' || (g * 31) % 97 AS device_id,
       CASE WHEN g % 11 = 0 THEN NULL ELSE 'i' || (g * 17) % 41 END AS ip_hash,
       g
FROM generate_series(0, 2999) g;

CREATE FUNCTION pg_temp.results() RETURNS TABLE (what text, k text, v text) LANGUAGE sql AS $$
    SELECT 'video_units ' || d, video_id::text,
           concat_ws(' ', views, likes, comments, shares, round(raw_units::numeric, 9), round(quality_mult::numeric, 9),
                     round(early_mult::numeric, 9), round(cluster_mult::numeric, 9), round(units::numeric, 9))
    FROM generate_series(date '2025-08-01', date '2025-08-11', interval '1 day') d,
         revenue_split_video_units(d::date)
    UNION ALL
    SELECT 'units ' || d, creator_id::text,
           concat_ws(' ', round(units::numeric, 9), round(integrity_mult::numeric, 9), videos)
    FROM generate_series(date '2025-08-01', date '2025-08-11', interval '1 day') d,
         revenue_split_units(d::date)
    UNION ALL
    SELECT 'preview 2025-08', creator_id::text, concat_ws(' ', round(units::numeric, 9), cap_cents, amount_cents)
    FROM revenue_split_preview(1000000, 2025, 8)
$$;

-- 1. Stored in ts order.
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT video_id, event_type, ts, device_id, ip_hash FROM gen ORDER BY ts;
ANALYZE public.event;
SELECT ok((SELECT correlation FROM pg_stats WHERE schemaname = 'public' AND tablename = 'event' AND attname = 'ts') > 0.9,
    'stored in ts order: pg_stats correlation of ts is above 0.9 (the pass reads through the index)');
CREATE TEMP TABLE in_order AS SELECT * FROM pg_temp.results();
SELECT ok((SELECT count(*) FROM in_order WHERE what LIKE 'video_units%') >= 100, 'every day has its cohort');
SELECT ok((SELECT count(*) FROM in_order WHERE what = 'preview 2025-08') = 4, 'the month pays the four creators');

-- 2. The same rows, shuffled.
TRUNCATE public.event;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT video_id, event_type, ts, device_id, ip_hash FROM gen ORDER BY md5(g::text);
ANALYZE public.event;
SELECT ok(abs((SELECT correlation FROM pg_stats WHERE schemaname = 'public' AND tablename = 'event' AND attname = 'ts')) < 0.5,
    'shuffled: pg_stats correlation of ts is below 0.5 (the pass sorts)');
CREATE TEMP TABLE shuffled AS SELECT * FROM pg_temp.results();

SELECT is((SELECT count(*) FROM shuffled), (SELECT count(*) FROM in_order), 'as many rows either way');
SELECT is_empty('SELECT * FROM in_order EXCEPT SELECT * FROM shuffled', 'nothing computed in ts order differs when shuffled');
SELECT is_empty('SELECT * FROM shuffled EXCEPT SELECT * FROM in_order', 'nothing computed when shuffled differs in ts order');

SELECT * FROM finish();
ROLLBACK;

-- Scenario group: `event` as a partitioned table (SPEC §1): PARTITION BY RANGE (ts) with monthly
-- partitions for 2025-08 and 2025-09 and a DEFAULT partition (which holds July, 2030 and NULL-ts
-- rows). The same rows must give the same results as the plain table, on days inside one partition,
-- on a month boundary, and with windows (early, 7-day) reaching across partitions.
--
-- Users 1 and 2 (trust NULL). Videos 101 -> creator 1 (created 2025-08-31 23:00), 201 -> creator 2
-- (created_at NULL).
--   101  views g = 0..59 at 2025-08-31 23:00 + 2g min, device p<g>, IP pi<g>: g = 0..29 on 08-31
--        (23:00..23:58), g = 30..59 on 09-01 (00:00:00..00:58); 1 like 2025-09-01 05:00
--   201  2025-07-31 12:01..12:10  10 views, devices q0 / q1 (5 each), IP NULL          (default partition)
--        2025-08-01 00:00:00      1 view (device r0, IP ri0)                           (first instant of 2025-08)
--        2025-08-01 12:01..12:10  10 views, devices r1..r10, IPs ri1..ri10; 13:00 1 comment
--        2025-09-01 12:01..12:10  10 views, devices s1..s10, IPs si1..si10
--        NULL ts 5 views (ignored); 2030-01-01 00:00:00 5 views, device / IP zz       (default partition)
BEGIN;
SELECT plan(11);
\ir ../common/app_tables.sql

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, NULL, false),
    (2, 0, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES
    (101, 1, '2025-08-31 23:00:00+00'),
    (201, 2, NULL);

INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 101, 'view', timestamptz '2025-08-31 23:00:00+00' + g * interval '2 minutes', 'p' || g, 'pi' || g
FROM generate_series(0, 59) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 201, 'view', timestamptz '2025-07-31 12:00:00+00' + g * interval '1 minute', 'q' || (g % 2), NULL
FROM generate_series(1, 10) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 201, 'view', timestamptz '2025-08-01 12:00:00+00' + g * interval '1 minute', 'r' || g, 'ri' || g
FROM generate_series(1, 10) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 201, 'view', timestamptz '2025-09-01 12:00:00+00' + g * interval '1 minute', 's' || g, 'si' || g
FROM generate_series(1, 10) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 201, 'view', CASE WHEN g <= 5 THEN NULL ELSE timestamptz '2030-01-01 00:00:00+00' END, 'zz', 'zz'
FROM generate_series(1, 10) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash) VALUES
    (101, 'like',    '2025-09-01 05:00:00+00', 'p0', 'pi0'),
    (201, 'view',    '2025-08-01 00:00:00+00', 'r0', 'ri0'),
    (201, 'comment', '2025-08-01 13:00:00+00', 'r1', 'ri1');

CREATE FUNCTION pg_temp.vu(d date)
RETURNS TABLE (video_id bigint, creator_id bigint, views bigint, likes bigint, comments bigint, shares bigint,
               raw_units numeric, quality_mult numeric, early_mult numeric, cluster_mult numeric, units numeric)
LANGUAGE sql AS $$
    SELECT video_id, creator_id, views, likes, comments, shares,
           round(raw_units::numeric, 9), round(quality_mult::numeric, 9), round(early_mult::numeric, 9),
           round(cluster_mult::numeric, 9), round(units::numeric, 9)
    FROM revenue_split_video_units(d) ORDER BY video_id
$$;
CREATE FUNCTION pg_temp.cu(d date)
RETURNS TABLE (creator_id bigint, units numeric, raw_units numeric, videos int, integrity_mult numeric,
               trust_mult numeric, excluded bool)
LANGUAGE sql AS $$
    SELECT creator_id, round(units::numeric, 9), round(raw_units::numeric, 9), videos,
           round(integrity_mult::numeric, 9), round(trust_mult::numeric, 9), excluded
    FROM revenue_split_units(d) ORDER BY creator_id
$$;
CREATE TEMP TABLE days (d date PRIMARY KEY);
INSERT INTO days VALUES ('2025-07-31'), ('2025-08-01'), ('2025-08-31'), ('2025-09-01');

-- Expected rows, by hand.
CREATE TEMP TABLE exp_vu (day date, video_id bigint, creator_id bigint, views bigint, likes bigint, comments bigint,
    shares bigint, raw_units numeric, quality_mult numeric, early_mult numeric, cluster_mult numeric, units numeric);
CREATE TEMP TABLE exp_cu (day date, creator_id bigint, units numeric, raw_units numeric, videos int,
    integrity_mult numeric, trust_mult numeric, excluded bool);
-- 2025-07-31: cohort {201}: 10 views, raw 10, quality 1 (single video); early 1 (created_at NULL);
--   cluster: top device 5/10 = 0.5 -> 1 - 2 * 0.3 = 0.4 -> floor 0.70; units 7
--   creator 2, window [07-25, 08-01): views 10, uniq_dev 2, uniq_ip 0, likes+comments 0
--   score = (min(1, 10/10) + 0 + 0)/3 = 1/3 -> integrity 0.99; units = 0.99 * 7 = 6.93
INSERT INTO exp_vu VALUES ('2025-07-31', 201, 2, 10, 0, 0, 0, 10, 1, 1, 0.7, 7);
INSERT INTO exp_cu VALUES ('2025-07-31', 2, 6.93, 10, 1, 0.99, 1, false);
-- 2025-08-01: cohort {201}: views 11 (00:00:00 + 10), comments 1 -> raw 16; quality 1; cluster 1/11 -> 1.0; units 16
--   creator 2, window [07-26, 08-02): views 10 (07-31) + 11 = 21, uniq_dev 2 + 11 = 13, uniq_ip 11, likes+comments 1
--   score = (min(1, 65/21) + min(1, 55/21) + min(1, 10/21))/3 = (2 + 10/21)/3 = 52/63 = 0.825396825
--   integrity = 0.97 + 0.06 * 52/63 = 1.019523810; units = 16 * 1.019523810 = 16.312380952
INSERT INTO exp_vu VALUES ('2025-08-01', 201, 2, 11, 0, 1, 0, 16, 1, 1, 1, 16);
INSERT INTO exp_cu VALUES ('2025-08-01', 2, 16.312380952, 16, 1, 1.019523810, 1, false);
-- 2025-08-31: cohort {101}: views 30 (g = 0..29) -> raw 30; quality 1; cluster 1/30 -> 1.0;
--   early: window [08-31 23:00, 09-01 01:00) holds all 60 views, 60 devices, 60 IPs -> 1.05; units 31.5
--   creator 1, window [08-25, 09-01): views 30, uniq 30 / 30, likes+comments 0 -> score 2/3 -> 1.01
--   units = 1.01 * 31.5 = 31.815
INSERT INTO exp_vu VALUES ('2025-08-31', 101, 1, 30, 0, 0, 0, 30, 1, 1.05, 1, 31.5);
INSERT INTO exp_cu VALUES ('2025-08-31', 1, 31.815, 30, 1, 1.01, 1, false);
-- 2025-09-01: cohort {101, 201}
--   101: views 30 (g = 30..59, the first at 00:00:00), likes 1 -> raw 33, ER 1/30; early 1.05; cluster 1/30 -> 1.0
--   201: views 10 -> raw 10, ER 0; cluster 1/10 -> 1.0
--   two different ERs -> quality 1.01 / 0.99
--   units: 101 = 33 * 1.01 * 1.05 = 34.9965; 201 = 10 * 0.99 = 9.9
--   creator 1, window [08-26, 09-02): views 60, uniq 60 / 60, likes 1
--     score = (1 + 1 + min(1, 10/60))/3 = 13/18 -> integrity = 0.97 + 0.06 * 13/18 = 1.013333333
--     units = 1.013333333 * 34.9965 = 35.46312
--   creator 2, window [08-26, 09-02): views 10, uniq 10 / 10, likes+comments 0 -> 2/3 -> 1.01; units = 1.01 * 9.9 = 9.999
INSERT INTO exp_vu VALUES
    ('2025-09-01', 101, 1, 30, 1, 0, 0, 33, 1.01, 1.05, 1, 34.9965),
    ('2025-09-01', 201, 2, 10, 0, 0, 0, 10, 0.99, 1,    1,  9.9);
INSERT INTO exp_cu VALUES
    ('2025-09-01', 1, 35.46312, 33, 1, 1.013333333, 1, false),
    ('2025-09-01', 2, 9.999,    10, 1, 1.01,        1, false);

-- ---- assertions (plain table) ----

SELECT results_eq($$SELECT d, v.* FROM days, LATERAL pg_temp.vu(d) v ORDER BY d, video_id$$,
    $$SELECT * FROM exp_vu ORDER BY day, video_id$$,
    'plain event: video rows of 07-31, 08-01, 08-31, 09-01');
SELECT results_eq($$SELECT d, c.* FROM days, LATERAL pg_temp.cu(d) c ORDER BY d, creator_id$$,
    $$SELECT * FROM exp_cu ORDER BY day, creator_id$$,
    'plain event: creator rows of 07-31, 08-01, 08-31, 09-01');
CREATE TEMP TABLE plain_vu AS SELECT d, v.* FROM days, LATERAL revenue_split_video_units(d) v;
CREATE TEMP TABLE plain_cu AS SELECT d, c.* FROM days, LATERAL revenue_split_units(d) c;

-- ---- the same rows in a partitioned event table ----
CREATE TEMP TABLE event_rows AS SELECT * FROM public.event;
DROP TABLE public.event;
CREATE TABLE public.event (
    video_id   bigint,
    event_type text,
    ts         timestamptz,
    device_id  text,
    ip_hash    text
) PARTITION BY RANGE (ts);
CREATE TABLE public.event_2025_08 PARTITION OF public.event
    FOR VALUES FROM ('2025-08-01 00:00:00+00') TO ('2025-09-01 00:00:00+00');
CREATE TABLE public.event_2025_09 PARTITION OF public.event
    FOR VALUES FROM ('2025-09-01 00:00:00+00') TO ('2025-10-01 00:00:00+00');
CREATE TABLE public.event_default PARTITION OF public.event DEFAULT;
CREATE INDEX event_ts_idx ON public.event (ts);
INSERT INTO public.event SELECT * FROM event_rows;

-- ---- assertions (partitioned table) ----

SELECT is((SELECT relkind::text FROM pg_class WHERE oid = 'public.event'::regclass), 'p', 'event is now a partitioned table');
-- 2025-08: 101 g = 0..29 (30) + 201 00:00:00 view (1) + 10 views + 1 comment = 42
-- 2025-09: 101 g = 30..59 (30) + like (1) + 201 10 views = 41; default: 10 (July) + 5 (NULL ts) + 5 (2030) = 20
SELECT results_eq($$SELECT tableoid::regclass::text, count(*) FROM public.event GROUP BY 1 ORDER BY 1$$,
    $$VALUES ('event_2025_08', 42::bigint), ('event_2025_09', 41), ('event_default', 20)$$,
    'rows are spread over the monthly partitions and the default partition');
SELECT results_eq($$SELECT d, v.* FROM days, LATERAL pg_temp.vu(d) v ORDER BY d, video_id$$,
    $$SELECT * FROM exp_vu ORDER BY day, video_id$$,
    'partitioned event: video rows of 07-31, 08-01, 08-31, 09-01');
SELECT results_eq($$SELECT d, c.* FROM days, LATERAL pg_temp.cu(d) c ORDER BY d, creator_id$$,
    $$SELECT * FROM exp_cu ORDER BY day, creator_id$$,
    'partitioned event: creator rows of 07-31, 08-01, 08-31, 09-01');
SELECT results_eq(
    $$SELECT d, video_id, creator_id, views, likes, comments, shares, round(raw_units::numeric, 12),
             round(quality_mult::numeric, 12), round(early_mult::numeric, 12), round(cluster_mult::numeric, 12),
             round(units::numeric, 12)
        FROM days, LATERAL revenue_split_video_units(d) ORDER BY d, video_id$$,
    $$SELECT d, video_id, creator_id, views, likes, comments, shares, round(raw_units::numeric, 12),
             round(quality_mult::numeric, 12), round(early_mult::numeric, 12), round(cluster_mult::numeric, 12),
             round(units::numeric, 12)
        FROM plain_vu ORDER BY d, video_id$$,
    'partitioned event: video rows identical to the plain table');
SELECT results_eq(
    $$SELECT d, creator_id, round(units::numeric, 12), round(raw_units::numeric, 12), videos,
             round(integrity_mult::numeric, 12), round(trust_mult::numeric, 12), excluded
        FROM days, LATERAL revenue_split_units(d) ORDER BY d, creator_id$$,
    $$SELECT d, creator_id, round(units::numeric, 12), round(raw_units::numeric, 12), videos,
             round(integrity_mult::numeric, 12), round(trust_mult::numeric, 12), excluded
        FROM plain_cu ORDER BY d, creator_id$$,
    'partitioned event: creator rows identical to the plain table');
SELECT is((SELECT round(integrity_mult::numeric, 9) FROM revenue_split_units('2025-08-01') WHERE creator_id = 2), 1.019523810,
    'partitioned event: the 08-01 integrity window reads the July rows of the default partition');
SELECT is((SELECT round(early_mult::numeric, 9) FROM revenue_split_video_units('2025-08-31') WHERE video_id = 101), 1.05,
    'partitioned event: the early window of 101 spans the 2025-08 and 2025-09 partitions');
-- 2030-01-01 (default partition): cohort {201}: 5 views from device zz / IP zz -> raw 5, quality 1,
--   cluster 5/5 = 1.0 -> floor 0.70 -> units 3.5
SELECT results_eq($$SELECT * FROM pg_temp.vu('2030-01-01')$$,
    $$VALUES (201::bigint, 2::bigint, 5::bigint, 0::bigint, 0::bigint, 0::bigint, 5::numeric, 1::numeric, 1::numeric, 0.7, 3.5)$$,
    'partitioned event: a day served by the default partition alone (NULL-ts rows there are ignored)');

SELECT * FROM finish();
ROLLBACK;

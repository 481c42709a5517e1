-- Scenario group: which events count (SPEC §2), UTC day boundaries, session TimeZone, empty days,
-- and the column contract of revenue_split_video_units / revenue_split_units (SPEC §8).
--
-- Fixture (all times UTC; created_at NULL everywhere, so early_mult is always 1.0):
--   users 1 (trust NULL, bot false), 2 (trust NULL, bot NULL), 3 (trust NULL, bot false)
--   videos 101, 102 -> creator 1; 201 -> creator 2; 301 -> creator 3; no row for video 999
--   2025-08-19 23:59:59.999999  101 view (NULL device, NULL IP)              -> day 08-19, not 08-20
--   2025-08-20 00:00:00 + g min 101 views g = 0..29; device a0..a4 for g < 5, else NULL;
--                                IP ia5..ia8 for g in 5..8, else NULL        -> 30 views, the first at midnight
--   2025-08-20 12:00 / 12:05     101 2 likes, 1 comment
--   2025-08-20 23:59:59.999999  102 share                                   -> last instant of 08-20
--   2025-08-20 06:01 .. 06:10   201 10 views, devices b1..b10, IPs ib1..ib10; 06:30 1 comment
--   2025-08-21 00:00:00         101 view (NULL device, NULL IP) and share    -> day 08-21
--   ignored on 08-20 (device 'zz', IP 'zz', so counting any of them would also wreck the cluster and
--   diversity numbers): types 'View', 'VIEW', '', 'view ', 'likes', NULL on 101; NULL ts on 101
--   and 201; only ignored events on 301; views of video 999 (no videos row) and of video_id NULL
--   2025-08-22: only ignored events (-> no rows); 2025-08-25: no events at all (-> no rows)
BEGIN;
SELECT plan(26);
\ir ../common/app_tables.sql

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, NULL, false),
    (2, 0, 3, NULL, NULL),
    (3, 0, 3, NULL, false);
INSERT INTO public.videos (id, creator_id, created_at) VALUES
    (101, 1, NULL), (102, 1, NULL), (201, 2, NULL), (301, 3, NULL);

-- counted events
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 101, 'view', timestamptz '2025-08-20 00:00:00+00' + g * interval '1 minute',
       CASE WHEN g < 5 THEN 'a' || g END,
       CASE WHEN g BETWEEN 5 AND 8 THEN 'ia' || g END
FROM generate_series(0, 29) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash) VALUES
    (101, 'view',    '2025-08-19 23:59:59.999999+00', NULL, NULL),
    (101, 'like',    '2025-08-20 12:00:00+00', 'a0', 'ia5'),
    (101, 'like',    '2025-08-20 12:00:00+00', 'a0', 'ia5'),
    (101, 'comment', '2025-08-20 12:05:00+00', NULL, NULL),
    (102, 'share',   '2025-08-20 23:59:59.999999+00', 'c1', 'ic1'),
    (201, 'comment', '2025-08-20 06:30:00+00', 'b1', 'ib1'),
    (101, 'view',    '2025-08-21 00:00:00+00', NULL, NULL),
    (101, 'share',   '2025-08-21 00:00:00+00', NULL, NULL);
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 201, 'view', timestamptz '2025-08-20 06:00:00+00' + g * interval '1 minute', 'b' || g, 'ib' || g
FROM generate_series(1, 10) g;

-- ignored events
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 101, t, timestamptz '2025-08-20 15:00:00+00' + g * interval '1 second', 'zz', 'zz'
FROM unnest(ARRAY['View', 'VIEW', '', 'view ', 'likes', NULL]) t, generate_series(1, 3) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash) VALUES
    (101, 'view',  NULL, 'zz', 'zz'),
    (101, 'view',  NULL, 'zz', 'zz'),
    (101, 'view',  NULL, 'zz', 'zz'),
    (101, 'like',  NULL, 'zz', 'zz'),
    (201, 'share', NULL, 'zz', 'zz'),
    (301, 'View',  '2025-08-20 10:00:00+00', 'zz', 'zz'),
    (301, 'view ', '2025-08-20 10:00:00+00', 'zz', 'zz'),
    (301, '',      '2025-08-20 10:00:00+00', 'zz', 'zz'),
    (301, NULL,    '2025-08-20 10:00:00+00', 'zz', 'zz'),
    (301, 'view',  NULL, 'zz', 'zz'),
    (999, 'share', '2025-08-20 10:00:00+00', 'zz', 'zz'),
    (NULL, 'view', '2025-08-20 10:00:00+00', 'zz', 'zz'),
    (101, 'View',  '2025-08-22 10:00:00+00', 'zz', 'zz'),
    (301, '',      '2025-08-22 10:00:00+00', 'zz', 'zz'),
    (999, 'view',  '2025-08-22 10:00:00+00', 'zz', 'zz'),
    (NULL, 'view', '2025-08-22 10:00:00+00', 'zz', 'zz');
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 999, 'view', timestamptz '2025-08-20 10:00:00+00' + g * interval '1 second', 'zz', 'zz'
FROM generate_series(1, 5) g;

-- Results rounded to 9 decimals, in key order, so that results_eq checks the key set and every value.
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

-- Expected rows, computed by hand from SPEC §2-4.
CREATE TEMP TABLE exp_vu (day date, video_id bigint, creator_id bigint, views bigint, likes bigint, comments bigint,
    shares bigint, raw_units numeric, quality_mult numeric, early_mult numeric, cluster_mult numeric, units numeric);
CREATE TEMP TABLE exp_cu (day date, creator_id bigint, units numeric, raw_units numeric, videos int,
    integrity_mult numeric, trust_mult numeric, excluded bool);

-- 2025-08-20: cohort {101, 102, 201} (301 has only ignored events, 999 has no videos row).
--   101: views 30 (g = 0..29; the 00:00:00 one counts, 08-19 23:59:59.999999 and 08-21 00:00:00 do not),
--        likes 2, comments 1 -> raw = 30 + 3*2 + 5*1 = 41; ER = 3/30 = 0.1
--   102: share at 23:59:59.999999 -> raw = 8; ER = 1/max(1,0) = 1.0
--   201: views 10, comments 1 -> raw = 10 + 5 = 15; ER = 1/10 = 0.1
--   quality: mu = (0.1 + 1.0 + 0.1)/3 = 0.4; sigma = sqrt((0.09 + 0.36 + 0.09)/3) = sqrt(0.18) = 0.424264069
--     z(0.1) = -0.3/0.424264069 = -1/sqrt(2) = -0.707106781 -> 1 - 0.00707106781 = 0.992928932
--     z(1.0) =  0.6/0.424264069 =    sqrt(2) =  1.414213562 -> 1 + 0.01414213562 = 1.014142136
--   cluster: 101 top_dev 1 (a0..a4 once each; NULL is no device), top_ip 1 -> 1/30 <= 0.2 -> 1.0;
--            102 n = 0 -> 1.0; 201 1/10 -> 1.0
--   units: 101 = 41 * 0.992928932188 = 40.710086220; 102 = 8 * 1.014142135624 = 8.113137085;
--          201 = 15 * 0.992928932188 = 14.893933983
INSERT INTO exp_vu VALUES
    ('2025-08-20', 101, 1, 30, 2, 1, 0, 41, 0.992928932, 1, 1, 40.710086220),
    ('2025-08-20', 102, 1,  0, 0, 0, 1,  8, 1.014142136, 1, 1,  8.113137085),
    ('2025-08-20', 201, 2, 10, 0, 1, 0, 15, 0.992928932, 1, 1, 14.893933983);
-- creator 1, window [08-14, 08-21): views 30 + 1 (08-19 23:59:59.999999) = 31, uniq_dev 5 (a0..a4),
--   uniq_ip 4 (ia5..ia8), likes + comments = 3 (102's share is not in the score)
--   score = (min(1, 5*5/31) + min(1, 5*4/31) + min(1, 10*3/31))/3 = (25 + 20 + 30)/31/3 = 75/93 = 0.806451613
--   integrity = 0.97 + 0.06 * 75/93 = 1.018387097; trust NULL -> 1.0
--   units = 1.018387097 * (40.710086220 + 8.113137085 = 48.823223305) = 48.823223305 + 0.897717331 = 49.720940636; raw = 41 + 8 = 49
-- creator 2 (likely_bot NULL counts as false): views 10, uniq_dev 10, uniq_ip 10, likes + comments 1
--   score = (min(1, 50/10) + min(1, 50/10) + min(1, 10/10))/3 = 1 -> integrity 1.03
--   units = 1.03 * 14.893933983 = 15.340752002
INSERT INTO exp_cu VALUES
    ('2025-08-20', 1, 49.720940636, 49, 2, 1.018387097, 1, false),
    ('2025-08-20', 2, 15.340752002, 15, 1, 1.030000000, 1, false);

-- 2025-08-19: cohort {101}: 1 view at 23:59:59.999999 with NULL device and IP -> raw 1, single video -> quality 1,
--   cluster: top_dev = top_ip = 0 (NULLs are no device/IP) -> 0/1 -> 1.0; units 1
-- creator 1, window [08-13, 08-20): views 1, uniq_dev 0, uniq_ip 0, likes + comments 0 -> score 0 -> 0.97
--   units = 0.97 * 1 = 0.97
INSERT INTO exp_vu VALUES ('2025-08-19', 101, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1);
INSERT INTO exp_cu VALUES ('2025-08-19', 1, 0.97, 1, 1, 0.97, 1, false);

-- 2025-08-21: cohort {101}: view + share at 00:00:00 -> raw = 1 + 8 = 9; quality 1 (single video);
--   cluster: one view with NULL device/IP -> 1.0; units 9
-- creator 1, window [08-15, 08-22): views 30 + 1 (08-19) + 1 (08-21) = 32, uniq_dev 5, uniq_ip 4, likes + comments 3
--   score = (25 + 20 + 30)/32/3 = 75/96 = 0.78125 -> integrity = 0.97 + 0.06 * 0.78125 = 1.016875
--   units = 1.016875 * 9 = 9.151875
INSERT INTO exp_vu VALUES ('2025-08-21', 101, 1, 1, 0, 0, 1, 9, 1, 1, 1, 9);
INSERT INTO exp_cu VALUES ('2025-08-21', 1, 9.151875, 9, 1, 1.016875, 1, false);

-- ---- assertions ----

-- SPEC §8 column contract: names and types, in order (more columns may follow).
SELECT is(
    (SELECT (array_agg(a.name || ' ' || format_type(a.typ, NULL) ORDER BY a.ord))[1:11]
       FROM pg_proc p,
            unnest(p.proargnames, p.proallargtypes::oid[], p.proargmodes::text[]) WITH ORDINALITY AS a(name, typ, mode, ord)
      WHERE p.proname = 'revenue_split_video_units' AND a.mode = 't'),
    ARRAY['video_id bigint', 'creator_id bigint', 'views bigint', 'likes bigint', 'comments bigint', 'shares bigint',
          'raw_units double precision', 'quality_mult double precision', 'early_mult double precision',
          'cluster_mult double precision', 'units double precision'],
    'revenue_split_video_units(date) returns the SPEC columns');
SELECT is(
    (SELECT (array_agg(a.name || ' ' || format_type(a.typ, NULL) ORDER BY a.ord))[1:7]
       FROM pg_proc p,
            unnest(p.proargnames, p.proallargtypes::oid[], p.proargmodes::text[]) WITH ORDINALITY AS a(name, typ, mode, ord)
      WHERE p.proname = 'revenue_split_units' AND a.mode = 't'),
    ARRAY['creator_id bigint', 'units double precision', 'raw_units double precision', 'videos integer',
          'integrity_mult double precision', 'trust_mult double precision', 'excluded boolean'],
    'revenue_split_units(date) returns the SPEC columns');

-- Session TimeZone UTC.
SET LOCAL TimeZone = 'UTC';
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-20')$$,
    $$SELECT video_id, creator_id, views, likes, comments, shares, raw_units, quality_mult, early_mult, cluster_mult, units
        FROM exp_vu WHERE day = '2025-08-20' ORDER BY video_id$$,
    'UTC: 2025-08-20 video rows: ignored types / NULL ts / orphan video skipped, midnight and 23:59:59.999999 in the day');
SELECT results_eq($$SELECT * FROM pg_temp.cu('2025-08-20')$$,
    $$SELECT creator_id, units, raw_units, videos, integrity_mult, trust_mult, excluded
        FROM exp_cu WHERE day = '2025-08-20' ORDER BY creator_id$$,
    'UTC: 2025-08-20 creator rows (creator 3 with only ignored events is absent)');
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-19')$$,
    $$SELECT video_id, creator_id, views, likes, comments, shares, raw_units, quality_mult, early_mult, cluster_mult, units
        FROM exp_vu WHERE day = '2025-08-19' ORDER BY video_id$$,
    'UTC: 23:59:59.999999 belongs to 2025-08-19; a NULL device/IP view is no cluster');
SELECT results_eq($$SELECT * FROM pg_temp.cu('2025-08-19')$$,
    $$SELECT creator_id, units, raw_units, videos, integrity_mult, trust_mult, excluded
        FROM exp_cu WHERE day = '2025-08-19' ORDER BY creator_id$$,
    'UTC: 2025-08-19 creator row (integrity 0.97: no device, no IP, no engagement)');
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-21')$$,
    $$SELECT video_id, creator_id, views, likes, comments, shares, raw_units, quality_mult, early_mult, cluster_mult, units
        FROM exp_vu WHERE day = '2025-08-21' ORDER BY video_id$$,
    'UTC: events at exactly 2025-08-21 00:00:00 belong to 2025-08-21');
SELECT results_eq($$SELECT * FROM pg_temp.cu('2025-08-21')$$,
    $$SELECT creator_id, units, raw_units, videos, integrity_mult, trust_mult, excluded
        FROM exp_cu WHERE day = '2025-08-21' ORDER BY creator_id$$,
    'UTC: 2025-08-21 creator row');
SELECT is_empty($$SELECT * FROM revenue_split_video_units('2025-08-22')$$,
    'a day with only ignored events (View, '''', no videos row, NULL video_id) has no video rows');
SELECT is_empty($$SELECT * FROM revenue_split_units('2025-08-22')$$,
    'a day with only ignored events has no creator rows');
SELECT is_empty($$SELECT * FROM revenue_split_video_units('2025-08-25')$$,
    'a day with no events has no video rows');
SELECT is_empty($$SELECT * FROM revenue_split_units('2025-08-25')$$,
    'a day with no events has no creator rows');

-- Session TimeZone +14: days are still UTC days, results identical.
SET LOCAL TimeZone = 'Pacific/Kiritimati';
SELECT is(current_setting('TimeZone'), 'Pacific/Kiritimati', 'session TimeZone is now Pacific/Kiritimati (+14)');
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-20')$$,
    $$SELECT video_id, creator_id, views, likes, comments, shares, raw_units, quality_mult, early_mult, cluster_mult, units
        FROM exp_vu WHERE day = '2025-08-20' ORDER BY video_id$$,
    'TimeZone +14: 2025-08-20 video rows identical');
SELECT results_eq($$SELECT * FROM pg_temp.cu('2025-08-20')$$,
    $$SELECT creator_id, units, raw_units, videos, integrity_mult, trust_mult, excluded
        FROM exp_cu WHERE day = '2025-08-20' ORDER BY creator_id$$,
    'TimeZone +14: 2025-08-20 creator rows identical');
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-19')$$,
    $$SELECT video_id, creator_id, views, likes, comments, shares, raw_units, quality_mult, early_mult, cluster_mult, units
        FROM exp_vu WHERE day = '2025-08-19' ORDER BY video_id$$,
    'TimeZone +14: 2025-08-19 video rows identical');
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-21')$$,
    $$SELECT video_id, creator_id, views, likes, comments, shares, raw_units, quality_mult, early_mult, cluster_mult, units
        FROM exp_vu WHERE day = '2025-08-21' ORDER BY video_id$$,
    'TimeZone +14: 2025-08-21 video rows identical');
SELECT results_eq($$SELECT * FROM pg_temp.cu('2025-08-21')$$,
    $$SELECT creator_id, units, raw_units, videos, integrity_mult, trust_mult, excluded
        FROM exp_cu WHERE day = '2025-08-21' ORDER BY creator_id$$,
    'TimeZone +14: 2025-08-21 creator row identical (7-day window in UTC)');
SELECT is_empty($$SELECT * FROM revenue_split_video_units('2025-08-22')$$,
    'TimeZone +14: 2025-08-22 still has no rows');

-- Session TimeZone -12: same.
SET LOCAL TimeZone = 'Etc/GMT+12';
SELECT is(current_setting('TimeZone'), 'Etc/GMT+12', 'session TimeZone is now Etc/GMT+12 (-12)');
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-20')$$,
    $$SELECT video_id, creator_id, views, likes, comments, shares, raw_units, quality_mult, early_mult, cluster_mult, units
        FROM exp_vu WHERE day = '2025-08-20' ORDER BY video_id$$,
    'TimeZone -12: 2025-08-20 video rows identical');
SELECT results_eq($$SELECT * FROM pg_temp.cu('2025-08-20')$$,
    $$SELECT creator_id, units, raw_units, videos, integrity_mult, trust_mult, excluded
        FROM exp_cu WHERE day = '2025-08-20' ORDER BY creator_id$$,
    'TimeZone -12: 2025-08-20 creator rows identical');
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-19')$$,
    $$SELECT video_id, creator_id, views, likes, comments, shares, raw_units, quality_mult, early_mult, cluster_mult, units
        FROM exp_vu WHERE day = '2025-08-19' ORDER BY video_id$$,
    'TimeZone -12: 2025-08-19 video rows identical');
SELECT results_eq($$SELECT * FROM pg_temp.vu('2025-08-21')$$,
    $$SELECT video_id, creator_id, views, likes, comments, shares, raw_units, quality_mult, early_mult, cluster_mult, units
        FROM exp_vu WHERE day = '2025-08-21' ORDER BY video_id$$,
    'TimeZone -12: 2025-08-21 video rows identical');
SELECT results_eq($$SELECT * FROM pg_temp.cu('2025-08-21')$$,
    $$SELECT creator_id, units, raw_units, videos, integrity_mult, trust_mult, excluded
        FROM exp_cu WHERE day = '2025-08-21' ORDER BY creator_id$$,
    'TimeZone -12: 2025-08-21 creator row identical (7-day window in UTC)');
SELECT is_empty($$SELECT * FROM revenue_split_video_units('2025-08-22')$$,
    'TimeZone -12: 2025-08-22 still has no rows');

SELECT * FROM finish();
ROLLBACK;

-- Scenario group: creator trust score (SPEC §4.2), likely_bot hard exclude (§4.3, §7) and a
-- creator without a users row (§4.4).
--
-- Creator c owns video c*10 + 1 and nothing else. On 2025-08-20 every video has 10 views (own
-- device and IP each) and 1 like, nothing on other days:
--   video: raw = 10 + 3 = 13, ER 0.1 for all -> sigma 0 -> quality 1.0; cluster 1/10 -> 1.0;
--          created_at NULL -> early 1.0; units 13
--   integrity: views 10, uniq_dev 10, uniq_ip 10, likes + comments 1
--          score = (min(1, 50/10) + min(1, 50/10) + min(1, 10/10))/3 = 1 -> 1.03
--   creator units = 1.03 * trust_mult * 13 = 13.39 * trust_mult (0 for a bot)
--
--   creator  creator_trust_score  likely_bot   trust_mult                      units
--    1       NULL                 false        1.0 (NULL)                      13.39
--    2       NaN                  false        1.0 (NaN)                       13.39
--    3       Infinity             false        1.0 (Infinity)                  13.39
--    4       -Infinity            false        1.0 (-Infinity)                 13.39
--    5       75                   false        0.80 + 0.40 * 0.75 = 1.10       14.729
--    6       150                  false        clamp 100 -> 1.20               16.068
--    7       -5                   false        clamp 0 -> 0.80                 10.712
--    8       0                    false        0.80                            10.712
--    9       100                  false        1.20                            16.068
--   10       1e30                 false        clamp 100 -> 1.20               16.068
--   11       62.5                 false        0.80 + 0.40 * 0.625 = 1.05      14.0595
--   12       75                   NULL         1.10 (NULL is not a bot)        14.729
--   13       75                   true         1.10, excluded                  0
--   14       (no users row)                    1.0, not excluded               13.39
--   15       -1e30                false        clamp 0 -> 0.80                 10.712
--   16       12.5                 false        0.80 + 0.40 * 0.125 = 0.85      11.3815
BEGIN;
SELECT plan(21);
\ir ../common/app_tables.sql

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    ( 1, 0, 3, NULL,        false),
    ( 2, 0, 3, 'NaN',       false),
    ( 3, 0, 3, 'Infinity',  false),
    ( 4, 0, 3, '-Infinity', false),
    ( 5, 0, 3, 75,          false),
    ( 6, 0, 3, 150,         false),
    ( 7, 0, 3, -5,          false),
    ( 8, 0, 3, 0,           false),
    ( 9, 0, 3, 100,         false),
    (10, 0, 3, 1e30,        false),
    (11, 0, 3, 62.5,        false),
    (12, 0, 3, 75,          NULL),
    (13, 0, 3, 75,          true),
    (15, 0, 3, -1e30,       false),
    (16, 0, 3, 12.5,        false);
INSERT INTO public.videos (id, creator_id, created_at)
SELECT c * 10 + 1, c, NULL FROM generate_series(1, 16) c;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT c * 10 + 1, 'view', timestamptz '2025-08-20 10:00:00+00' + g * interval '1 minute', 'd' || c || '-' || g, 'i' || c || '-' || g
FROM generate_series(1, 16) c, generate_series(1, 10) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT c * 10 + 1, 'like', timestamptz '2025-08-20 11:00:00+00', 'd' || c || '-1', 'i' || c || '-1'
FROM generate_series(1, 16) c;

CREATE FUNCTION pg_temp.trust(c bigint) RETURNS numeric LANGUAGE sql AS $$
    SELECT round(trust_mult::numeric, 9) FROM revenue_split_units('2025-08-20') WHERE creator_id = c
$$;

-- ---- assertions ----

-- Video rows: every video, the bot's included, has units 13 (video units ignore trust and bot).
SELECT results_eq(
    $$SELECT video_id, creator_id, views, likes, round(raw_units::numeric, 9), round(quality_mult::numeric, 9),
             round(early_mult::numeric, 9), round(cluster_mult::numeric, 9), round(units::numeric, 9)
        FROM revenue_split_video_units('2025-08-20') ORDER BY video_id$$,
    $$SELECT c * 10 + 1::bigint, c::bigint, 10::bigint, 1::bigint, 13::numeric, 1::numeric, 1::numeric, 1::numeric, 13::numeric
        FROM generate_series(1, 16) c ORDER BY 1$$,
    '2025-08-20: 16 video rows, units 13 each (the bot''s video too)');

SELECT results_eq(
    $$SELECT creator_id, round(units::numeric, 9), round(raw_units::numeric, 9), videos,
             round(integrity_mult::numeric, 9), round(trust_mult::numeric, 9), excluded
        FROM revenue_split_units('2025-08-20') ORDER BY creator_id$$,
    $$VALUES ( 1::bigint, 13.39::numeric, 13::numeric, 1, 1.03::numeric, 1.00::numeric, false),
             ( 2, 13.39,   13, 1, 1.03, 1.00, false),
             ( 3, 13.39,   13, 1, 1.03, 1.00, false),
             ( 4, 13.39,   13, 1, 1.03, 1.00, false),
             ( 5, 14.729,  13, 1, 1.03, 1.10, false),
             ( 6, 16.068,  13, 1, 1.03, 1.20, false),
             ( 7, 10.712,  13, 1, 1.03, 0.80, false),
             ( 8, 10.712,  13, 1, 1.03, 0.80, false),
             ( 9, 16.068,  13, 1, 1.03, 1.20, false),
             (10, 16.068,  13, 1, 1.03, 1.20, false),
             (11, 14.0595, 13, 1, 1.03, 1.05, false),
             (12, 14.729,  13, 1, 1.03, 1.10, false),
             (13,  0,      13, 1, 1.03, 1.10, true),
             (14, 13.39,   13, 1, 1.03, 1.00, false),
             (15, 10.712,  13, 1, 1.03, 0.80, false),
             (16, 11.3815, 13, 1, 1.03, 0.85, false)$$,
    '2025-08-20: creator rows = 1.03 * trust_mult * 13; the bot listed with units 0');

SELECT is(pg_temp.trust(1), 1.0, 'trust NULL -> 1.0');
SELECT is(pg_temp.trust(2), 1.0, 'trust NaN -> 1.0');
SELECT is(pg_temp.trust(3), 1.0, 'trust Infinity -> 1.0');
SELECT is(pg_temp.trust(4), 1.0, 'trust -Infinity -> 1.0');
SELECT is(pg_temp.trust(5), 1.10, 'trust 75 -> 1.10');
SELECT is(pg_temp.trust(6), 1.20, 'trust 150 clamped to 100 -> 1.20');
SELECT is(pg_temp.trust(7), 0.80, 'trust -5 clamped to 0 -> 0.80');
SELECT is(pg_temp.trust(8), 0.80, 'trust 0 -> 0.80');
SELECT is(pg_temp.trust(9), 1.20, 'trust 100 -> 1.20');
SELECT is(pg_temp.trust(10), 1.20, 'trust 1e30 clamped to 100 -> 1.20');
SELECT is(pg_temp.trust(11), 1.05, 'trust 62.5 -> 1.05');
SELECT is(pg_temp.trust(14), 1.0, 'creator without users row -> trust 1.0');
SELECT is(pg_temp.trust(15), 0.80, 'trust -1e30 clamped to 0 -> 0.80');
SELECT is(pg_temp.trust(16), 0.85, 'trust 12.5 -> 0.85');

-- likely_bot
SELECT is((SELECT (excluded, units) FROM revenue_split_units('2025-08-20') WHERE creator_id = 13),
    (true, 0::float8), 'likely_bot true: excluded, units 0');
SELECT is((SELECT (round(integrity_mult::numeric, 9), round(trust_mult::numeric, 9), round(raw_units::numeric, 9), videos)
             FROM revenue_split_units('2025-08-20') WHERE creator_id = 13),
    (1.03::numeric, 1.10::numeric, 13::numeric, 1),
    'likely_bot true: integrity_mult 1.03, trust_mult 1.10, raw_units 13, videos 1 still as computed');
SELECT is((SELECT (excluded, round(units::numeric, 9)) FROM revenue_split_units('2025-08-20') WHERE creator_id = 12),
    (false, 14.729::numeric), 'likely_bot NULL counts as false: 1.03 * 1.10 * 13 = 14.729');
SELECT is((SELECT (excluded, round(units::numeric, 9)) FROM revenue_split_units('2025-08-20') WHERE creator_id = 14),
    (false, 13.39::numeric), 'creator without users row: not excluded, 1.03 * 1.0 * 13 = 13.39');
SELECT is((SELECT count(*) FROM revenue_split_units('2025-08-20')), 16::bigint,
    'one creator row per creator in the cohort, bot and user-less creator included');

SELECT * FROM finish();
ROLLBACK;

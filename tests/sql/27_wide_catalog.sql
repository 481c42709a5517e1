-- Scenario group: a catalog much wider than the window's events (issue 15). The pass then looks
-- up only the videos with an event in the window (one probe each, or one range scan of their
-- span when they are dense) instead of reading all of
-- `videos`; it reads the whole table when the table has no more rows than the window has events
-- (planner statistics, so the tables are ANALYZEd here), or when `event` has no index leading
-- with ts. Every path must give the same numbers, and the lookup path must not scan `videos`
-- or `users` (pg_stat_xact_user_tables counts this transaction's scans).
--
-- Creators 1 (trust NULL), 2 (trust 75 -> 1.10), 3 (owns the 5,000 idle videos 1000..5999);
-- 5,000 idle users 1000..5999. (A lookup of a span of ids is left to the planner, which would
-- rightly scan a table of three users whole.)
--   1  creator 1, launched 2025-08-20 10:00: 50 views 10:00..10:49, distinct devices and IPs, and
--      2 likes at 11:00 -> raw 56, ER 0.04, early 50/50/50 -> 1.05 (window inside the pass)
--   2  creator 1, launched 2025-07-01: 50 distinct views that day (before the pass: the early
--      window is read apart) -> 1.05; on 08-20 20 distinct views -> raw 20
--   3  creator 2, created_at NULL: 10 views on 08-20 from one device, 10 IPs -> cluster 10/10
--      -> 0.70, early 1.0
--   4  creator NULL, launched 2025-08-01: 5 distinct views on 08-20 -> in the cohort, earns
--      nobody units
--   99 no videos row: 100 views on 08-20, ignored
-- Day 2025-08-20: cohort ER 0.04, 0, 0, 0 -> mu 0.01, sigma 0.017320508 -> quality 1.017320508
-- for video 1 and 0.994226497 for the others. Video units: 1: 56 * 1.017320508 * 1.05 =
-- 59.818445875; 2: 20 * 0.994226497 * 1.05 = 20.878756443; 3: 10 * 0.994226497 * 0.7 =
-- 6.959585481; 4: 5 * 0.994226497 = 4.971132487.
-- Integrity (08-14..08-20): creator 1: 70 views, 70 devices, 70 IPs, 2 likes -> score
-- (1 + 1 + 20/70) / 3 -> 1.015714286; creator 2: 10 views, 1 device, 10 IPs -> (0.5 + 1 + 0) / 3
-- -> 1.0. Creator units: 1: 1.015714286 * 80.697202318 = 81.965301212; 2: 1.10 * 6.959585481 =
-- 7.655544029.
BEGIN;
SELECT plan(20);
\ir ../common/app_tables.sql

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, NULL, false), (2, 0, 3, 75, false), (3, 0, 3, NULL, false);
INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot)
SELECT g, 0, 1, NULL, false FROM generate_series(1000, 5999) g;
INSERT INTO public.videos (id, creator_id, created_at) VALUES
    (1, 1, '2025-08-20 10:00:00+00'),
    (2, 1, '2025-07-01 00:00:00+00'),
    (3, 2, NULL),
    (4, NULL, '2025-08-01 00:00:00+00');
INSERT INTO public.videos (id, creator_id, created_at)
SELECT g, 3, timestamptz '2025-05-01 00:00:00+00' + g * interval '1 hour' FROM generate_series(1000, 5999) g;

INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 1, 'view', timestamptz '2025-08-20 10:00:00+00' + g * interval '1 minute', 'v1d' || g, 'v1i' || g
FROM generate_series(0, 49) g
UNION ALL SELECT 1, 'like', '2025-08-20 11:00:00+00', 'v1d0', 'v1i0' FROM generate_series(1, 2)
UNION ALL
SELECT 2, 'view', timestamptz '2025-07-01 00:00:00+00' + g * interval '1 minute', 'v2e' || g, 'v2ei' || g
FROM generate_series(0, 49) g
UNION ALL
SELECT 2, 'view', timestamptz '2025-08-20 12:00:00+00' + g * interval '1 minute', 'v2d' || g, 'v2i' || g
FROM generate_series(0, 19) g
UNION ALL
SELECT 3, 'view', timestamptz '2025-08-20 13:00:00+00' + g * interval '1 minute', 'same', 'v3i' || g
FROM generate_series(0, 9) g
UNION ALL
SELECT 4, 'view', timestamptz '2025-08-20 14:00:00+00' + g * interval '1 minute', 'v4d' || g, 'v4i' || g
FROM generate_series(0, 4) g
UNION ALL
SELECT 99, 'view', timestamptz '2025-08-20 15:00:00+00' + g * interval '1 second', 'v99d' || g, 'v99i' || g
FROM generate_series(0, 99) g;
ANALYZE public.users, public.videos, public.event;

CREATE FUNCTION pg_temp.videos_0820() RETURNS TABLE (video_id bigint, creator_id bigint, units numeric) LANGUAGE sql AS $$
    SELECT video_id, creator_id, round(units::numeric, 9) FROM revenue_split_video_units('2025-08-20') ORDER BY video_id
$$;
CREATE FUNCTION pg_temp.creators_0820() RETURNS TABLE (creator_id bigint, units numeric, integrity numeric, trust numeric) LANGUAGE sql AS $$
    SELECT creator_id, round(units::numeric, 9), round(integrity_mult::numeric, 9), round(trust_mult::numeric, 9)
    FROM revenue_split_units('2025-08-20') ORDER BY creator_id
$$;
CREATE FUNCTION pg_temp.august() RETURNS TABLE (creator_id bigint, amount_cents bigint) LANGUAGE sql AS $$
    SELECT creator_id, amount_cents FROM revenue_split_preview(10000, 2025, 8) ORDER BY creator_id
$$;
-- Scans of videos and users so far in this transaction.
CREATE FUNCTION pg_temp.scans() RETURNS TABLE (relname name, seq_scan bigint, idx_scan bigint) LANGUAGE sql AS $$
    SELECT relname, seq_scan, coalesce(idx_scan, 0) FROM pg_stat_xact_user_tables
    WHERE relid IN ('public.videos'::regclass, 'public.users'::regclass) ORDER BY relname
$$;

-- ---- the lookup path: 5,004 videos, 206 events in the window ----
CREATE TEMP TABLE before_scans AS SELECT * FROM pg_temp.scans();
CREATE TEMP TABLE lookup_videos AS SELECT * FROM pg_temp.videos_0820();
CREATE TEMP TABLE lookup_creators AS SELECT * FROM pg_temp.creators_0820();
CREATE TEMP TABLE lookup_august AS SELECT * FROM pg_temp.august();
SELECT is((SELECT sum(s.seq_scan - b.seq_scan) FROM pg_temp.scans() s JOIN before_scans b USING (relname)), 0::numeric,
    'a wide catalog: neither videos nor users is scanned whole (their rows are looked up by id)');
SELECT cmp_ok((SELECT sum(s.idx_scan - b.idx_scan) FROM pg_temp.scans() s JOIN before_scans b USING (relname)), '>', 0::numeric,
    'a wide catalog: videos and users are read through their primary keys');
SELECT results_eq('SELECT * FROM lookup_videos',
    $$VALUES (1::bigint, 1::bigint, 59.818445875), (2, 1, 20.878756443), (3, 2, 6.959585481), (4, NULL, 4.971132487)$$,
    'video units (hand-computed): video 99 without a videos row is ignored, video 4 without a creator is in the cohort');
SELECT results_eq('SELECT * FROM lookup_creators',
    $$VALUES (1::bigint, 81.965301212, 1.015714286, 1.0), (2, 7.655544029, 1.0, 1.1)$$,
    'creator units (hand-computed), with the early window of video 2 read from before the pass');
SELECT is(current_setting('enable_seqscan'), 'on', 'the planner setting the lookup changes is restored');
SET LOCAL enable_seqscan = off;
SELECT results_eq('SELECT * FROM pg_temp.videos_0820()', 'SELECT * FROM lookup_videos',
    'the same with the caller''s enable_seqscan = off');
SELECT is(current_setting('enable_seqscan'), 'off', 'and the caller''s own setting is kept');
SET LOCAL enable_seqscan = on;

-- ---- dense active ids: one range scan of their span, rows outside the ids dropped ----
-- Video 99's events move to video 6 (no row either), and an idle video 5 sits inside the span
-- 1..6 of the window's ids: the range reads it, the reader drops it. Same numbers.
SAVEPOINT dense_ids;
UPDATE public.event SET video_id = 6 WHERE video_id = 99;
INSERT INTO public.videos (id, creator_id, created_at) VALUES (5, 3, '2025-08-19 00:00:00+00');
SELECT results_eq('SELECT * FROM pg_temp.videos_0820()', 'SELECT * FROM lookup_videos',
    'dense video ids (a range of their span): the same video units');
SELECT results_eq('SELECT * FROM pg_temp.august()', 'SELECT * FROM lookup_august',
    'dense video ids: the same August preview');
ROLLBACK TO SAVEPOINT dense_ids;

-- ---- the lookup path without an index on id: the id lists stay constants ----
-- (With a primary key, above, they are hidden from the planner; without one the tables are
-- scanned, and a constant list is what PostgreSQL can hash for that filter.)
ALTER TABLE public.videos DROP CONSTRAINT videos_pkey;
ALTER TABLE public.users DROP CONSTRAINT users_pkey;
TRUNCATE before_scans;
INSERT INTO before_scans SELECT * FROM pg_temp.scans();
SELECT results_eq('SELECT * FROM pg_temp.videos_0820()', 'SELECT * FROM lookup_videos',
    'no index on videos.id or users.id: the same video units');
SELECT results_eq('SELECT * FROM pg_temp.creators_0820()', 'SELECT * FROM lookup_creators',
    'no index on id: the same creator units');
SELECT results_eq('SELECT * FROM pg_temp.august()', 'SELECT * FROM lookup_august',
    'no index on id: the same August preview');
SELECT is((SELECT count(*) FROM pg_temp.scans() s JOIN before_scans b USING (relname) WHERE s.seq_scan > b.seq_scan),
    2::bigint, 'no index on id: videos and users are scanned');
ALTER TABLE public.videos ADD PRIMARY KEY (id);
ALTER TABLE public.users ADD PRIMARY KEY (id);

-- ---- the whole-table path: the same data, read through every other path ----
-- The early window of video 2 through an event(video_id, ts) index (one range scan per video).
CREATE INDEX event_video_ts_idx ON public.event (video_id, ts);
SELECT results_eq('SELECT * FROM pg_temp.creators_0820()', 'SELECT * FROM lookup_creators',
    'with an event(video_id, ts) index: the same creator units');
DROP INDEX public.event_video_ts_idx;
-- Idle videos gone: the table has fewer rows than the window has events -> read whole.
DELETE FROM public.videos WHERE id >= 1000;
ANALYZE public.videos;
TRUNCATE before_scans;
INSERT INTO before_scans SELECT * FROM pg_temp.scans();
SELECT results_eq('SELECT * FROM pg_temp.videos_0820()', 'SELECT * FROM lookup_videos',
    'a narrow catalog (read whole): the same video units');
SELECT cmp_ok((SELECT s.seq_scan - b.seq_scan FROM pg_temp.scans() s JOIN before_scans b USING (relname) WHERE relname = 'videos'),
    '>', 0::bigint, 'a narrow catalog: videos is read whole');
SELECT results_eq('SELECT * FROM pg_temp.creators_0820()', 'SELECT * FROM lookup_creators',
    'a narrow catalog: the same creator units');
SELECT results_eq('SELECT * FROM pg_temp.august()', 'SELECT * FROM lookup_august',
    'a narrow catalog: the same August preview');
-- No index on event at all: one window query after one read of every video.
DROP INDEX public.event_ts_idx;
SELECT results_eq('SELECT * FROM pg_temp.creators_0820()', 'SELECT * FROM lookup_creators',
    'no index on event: the same creator units');
SELECT results_eq('SELECT * FROM pg_temp.august()', 'SELECT * FROM lookup_august',
    'no index on event: the same August preview');

SELECT * FROM finish();
ROLLBACK;

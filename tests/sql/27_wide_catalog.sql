-- Scenario group: a wide catalog (issue 15). On a videos table of 200,000+ rows (pg_class
-- estimate) with an index on id, the pass reads only the videos with an event in its window
-- (one index probe each) instead of every video. The results must be exactly the same as the
-- whole-table read: this file computes every output both ways on the same data.
--
-- Fixture: 3 creators, 6 videos with traffic in 2025-06 (one launched inside the window for
-- the early kicker, one of a bot), and 500 idle videos with no event at all.
BEGIN;
SELECT plan(8);
\ir ../common/app_tables.sql
SET LOCAL client_min_messages = warning;

INSERT INTO public.users (id, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 0, 3, 80, false), (2, 0, 1, NULL, false), (3, 0, 3, NULL, true);
INSERT INTO public.videos (id, creator_id, created_at) VALUES
    (11, 1, '2025-06-10 08:00+00'), (12, 1, NULL), (21, 2, '2025-01-01 00:00+00'), (22, 2, NULL),
    (31, 3, NULL), (32, 3, NULL);
INSERT INTO public.videos (id, creator_id, created_at)
SELECT 1000 + g, 1 + g % 3, '2025-03-01 00:00+00'::timestamptz + g * interval '1 hour' FROM generate_series(1, 500) g;
-- 60 diverse early views of video 11, then everyday traffic; likes and comments here and there.
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 11, 'view', '2025-06-10 08:00+00'::timestamptz + g * interval '1 minute', 'e' || g, 'ei' || g
FROM generate_series(0, 59) g;
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT v, (ARRAY['view', 'view', 'view', 'like', 'comment', 'share'])[1 + (g + v) % 6],
       '2025-06-01 00:00+00'::timestamptz + g * interval '37 minutes', 'd' || (g % 50), 'i' || (g % 20)
FROM unnest(ARRAY[11, 12, 21, 22, 31, 32]) v, generate_series(0, 900) g;
ANALYZE public.videos, public.event;

CREATE TEMP TABLE narrow_units AS SELECT * FROM revenue_split_units('2025-06-12');
CREATE TEMP TABLE narrow_videos AS SELECT * FROM revenue_split_video_units('2025-06-12');
CREATE TEMP TABLE narrow_preview AS SELECT * FROM revenue_split_preview(100000, 2025, 6);
SELECT is(pg_stat_get_xact_numscans('public.videos_pkey'::regclass), 0::bigint,
    'a narrow catalog reads videos without its id index');

-- The same table, as wide as the estimate says.
UPDATE pg_catalog.pg_class SET reltuples = 2000000 WHERE oid = 'public.videos'::regclass;
SELECT results_eq($$SELECT * FROM revenue_split_units('2025-06-12') ORDER BY creator_id$$,
    $$SELECT * FROM narrow_units ORDER BY creator_id$$, 'wide catalog: revenue_split_units unchanged');
SELECT cmp_ok(pg_stat_get_xact_numscans('public.videos_pkey'::regclass), '>=', 6::bigint,
    'a wide catalog probes videos by id: once per active video');
SELECT cmp_ok(pg_stat_get_xact_numscans('public.videos_pkey'::regclass), '<', 500::bigint,
    'and never for the 500 idle videos');
SELECT results_eq($$SELECT * FROM revenue_split_video_units('2025-06-12') ORDER BY video_id$$,
    $$SELECT * FROM narrow_videos ORDER BY video_id$$, 'wide catalog: revenue_split_video_units unchanged');
SELECT results_eq($$SELECT * FROM revenue_split_preview(100000, 2025, 6) ORDER BY creator_id$$,
    $$SELECT * FROM narrow_preview ORDER BY creator_id$$, 'wide catalog: the monthly preview unchanged');
SELECT is((SELECT early_mult FROM narrow_videos WHERE video_id = 11), 1.05::float8,
    'the fixture exercises the early kicker');
-- Without an index on videos(id), the probes would be scans: the whole table is read instead.
ALTER TABLE public.videos DROP CONSTRAINT videos_pkey;
UPDATE pg_catalog.pg_class SET reltuples = 2000000 WHERE oid = 'public.videos'::regclass;
SELECT results_eq($$SELECT * FROM revenue_split_units('2025-06-12') ORDER BY creator_id$$,
    $$SELECT * FROM narrow_units ORDER BY creator_id$$, 'wide catalog without an id index: unchanged');

SELECT * FROM finish();
ROLLBACK;

-- revenue_split benchmark: the wide catalog (issue 15), SPEC §1 tables in schema public.
--
--   psql -v creators=1000000 -v videos=2000000 -v events=3000000 [-v inactive=10] -f bench/gen_wide.sql
--   psql -v base=0 -v inactive=10 -f bench/gen_wide.sql     (on a copy of a loaded W: add the idle catalog)
--
-- Deterministic: same variables → same rows (setseed, serial plan, ties broken by a sequence
-- number; the idle catalog has its own seed, so both ways of building W10 give the same rows).
-- Drops and recreates users, videos, event, transactions in public (unless base=0). Runs in a
-- few minutes on 2 cores: everything is generated with generate_series into unlogged staging
-- tables, copied into `event` in one sorted INSERT, then indexed and vacuumed.
--
-- Shape (see bench/README.md, "W: the wide catalog"):
--   * `creators` users (ids 1..C; default 1M); the last 200 run bot farms, ids C-199..C-100
--     flagged likely_bot, C-99..C not; KYC, trust and likely_bot mixed as in gen.sql;
--   * `videos` videos (ids 1..V; default 2M), launched at a random minute over the
--     `launch_days` (90) days before 2025-09-01 00:00Z (0.5% NULL created_at), skewed over
--     creators (creator 1 has ~2,000 videos, the median creator 1); 0.1% belong to farm creators;
--   * `events` events (default 3M) from 2025-07-26 00:00Z to 2025-09-01 00:00Z, none before a
--     video's launch: 88% organic with long-tail popularity (Zipf–Mandelbrot over the whole
--     catalog, q = 10; on W the top 1% of videos get ~66% of the events, 71% of the videos get
--     none and 26% one to three), 80/12/5/3% views/likes/comments/shares, devices from a pool of
--     500k and IPs from 200k as in gen.sql; 10% bot farms (300 devices, 120 IPs, the farm
--     creators' videos); 2% launch bursts (50..200 views in the first 2 hours of a video
--     launched inside the event window);
--   * indexes event(ts) and event(video_id, ts) (both that revenue_split_doctor() recommends);
--   * inactive = N > 1 (W10: 10): the catalog is made N times wider with users and videos that
--     have no event at all: users C+1..N·C, videos V+1..N·V (owned by those users, launched over
--     the same 90 days, same distributions). `event` is unchanged.

\set ON_ERROR_STOP 1
\if :{?creators}
\else
\set creators 1000000
\endif
\if :{?videos}
\else
\set videos 2000000
\endif
\if :{?events}
\else
\set events 3000000
\endif
\if :{?launch_days}
\else
\set launch_days 90
\endif
\if :{?inactive}
\else
\set inactive 1
\endif
\if :{?base}
\else
\set base 1
\endif
\if :{?seed}
\else
\set seed 0.20250815
\endif

SET client_min_messages = warning;
SET TimeZone = 'UTC';
-- A serial plan keeps random() deterministic (it is parallel restricted anyway).
SET max_parallel_workers_per_gather = 0;
SET work_mem = '512MB';
SET maintenance_work_mem = '1GB';
SET synchronous_commit = off;
SELECT clock_timestamp() AS gen_t0 \gset
SELECT :inactive::int > 1 AS add_inactive \gset

\if :base
SELECT setseed(:seed) \g /dev/null
SELECT :creators::bigint AS n_creators, :videos::bigint AS n_videos, :events::bigint AS n_events,
       200 AS n_farm_creators,
       round(:events * 0.10)::bigint AS n_farm,
       round(:events * 0.02)::bigint AS n_burst_target,
       timestamptz '2025-09-01 00:00+00' - make_interval(days => :launch_days) AS launch0
\gset
SELECT :n_events - :n_farm - :n_burst_target AS n_organic,
       :n_creators - :n_farm_creators AS n_plain_creators \gset
\echo [gen_wide] :n_creators creators, :n_videos videos launched over :launch_days days, :n_events events (organic, farm, bursts ≈ 88/10/2%)

SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen_wide :gen_el] 1/8 drop old tables
DROP TABLE IF EXISTS public.transactions, public.event, public.videos, public.users,
    public.bench_stage_events, public.bench_video_rank CASCADE;

SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen_wide :gen_el] 2/8 users (:n_creators)
CREATE TABLE public.users (
    id                  bigint NOT NULL,
    handle              text,
    current_balance     bigint DEFAULT 0,
    kyc_level           int,
    creator_trust_score numeric,
    likely_bot          boolean
);
-- The last 200 ids run bot farms: the first 100 of them are flagged likely_bot, the last 100 not.
INSERT INTO public.users (id, handle, current_balance, kyc_level, creator_trust_score, likely_bot)
SELECT id,
       'creator_' || id,
       CASE WHEN r1 < 0.05 THEN NULL ELSE floor(r1 * 500000)::bigint END,
       CASE WHEN r2 < 0.05 THEN NULL WHEN r2 < 0.15 THEN 0 WHEN r2 < 0.45 THEN 1
            WHEN r2 < 0.75 THEN 2 ELSE 3 + (r2 > 0.95)::int END,
       CASE WHEN r3 < 0.15 THEN NULL WHEN r3 < 0.16 THEN -5 WHEN r3 < 0.17 THEN 150
            ELSE round(((r3 - 0.17) / 0.83 * 100)::numeric, 1) END,
       CASE WHEN id > :n_plain_creators + 100 THEN false WHEN id > :n_plain_creators THEN true
            WHEN r4 < 0.10 THEN NULL WHEN r4 < 0.105 THEN true ELSE false END
FROM (SELECT id, random() AS r1, random() AS r2, random() AS r3, random() AS r4
      FROM generate_series(1, :n_creators) AS id OFFSET 0) s;
ALTER TABLE public.users ADD PRIMARY KEY (id);

SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen_wide :gen_el] 3/8 videos (:n_videos) and popularity ranks
CREATE TABLE public.videos (
    id         bigint NOT NULL,
    creator_id bigint NOT NULL,
    created_at timestamptz
);
-- 0.1% of videos belong to the 200 farm creators; the rest to the others, skewed (creator k
-- gets ~V·(sqrt(k/C) - sqrt((k-1)/C)) videos: creator 1 ~V/sqrt(C) = 2,000, the last ones 0..3).
INSERT INTO public.videos (id, creator_id, created_at)
SELECT id,
       CASE WHEN r1 < 0.001 THEN :n_plain_creators + 1 + floor(r1 / 0.001 * :n_farm_creators)::bigint
            ELSE 1 + floor(:n_plain_creators * power((r1 - 0.001) / 0.999, 2))::bigint END,
       CASE WHEN r2 < 0.005 THEN NULL
            ELSE :'launch0'::timestamptz + floor(r3 * :launch_days * 1440) * interval '1 minute' END
FROM (SELECT id, random() AS r1, random() AS r2, random() AS r3
      FROM generate_series(1, :n_videos) AS id OFFSET 0) s;
ALTER TABLE public.videos ADD PRIMARY KEY (id);
ALTER TABLE public.videos ADD FOREIGN KEY (creator_id) REFERENCES public.users (id);

-- pop_rank 1..V: a random permutation, with videos launched inside the event window pushed
-- out of the very top (a brand-new video does not get 1% of a month's traffic in an hour).
-- farm_rank numbers the farm creators' videos 1..F. Only videos that can have an event in
-- the window (launched before 2025-09-01, or NULL created_at) are ranked: all of them here.
CREATE UNLOGGED TABLE public.bench_video_rank AS
SELECT id AS video_id, created_at,
       greatest(timestamptz '2025-07-26 00:00+00', coalesce(created_at, '-infinity')) AS lo,
       row_number() OVER (ORDER BY key, id) AS pop_rank,
       CASE WHEN creator_id > :n_plain_creators
            THEN row_number() OVER (PARTITION BY creator_id > :n_plain_creators ORDER BY id) END AS farm_rank
FROM (SELECT id, creator_id, created_at,
             random() + CASE WHEN created_at >= '2025-07-26 00:00+00' THEN 0.1 ELSE 0 END AS key
      FROM public.videos ORDER BY id OFFSET 0) s;
CREATE INDEX ON public.bench_video_rank (pop_rank);
CREATE INDEX ON public.bench_video_rank (farm_rank) WHERE farm_rank IS NOT NULL;
SELECT count(*) AS n_farm_videos FROM public.bench_video_rank WHERE farm_rank IS NOT NULL \gset
ANALYZE public.bench_video_rank;

SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen_wide :gen_el] 4/8 organic events (:n_organic)
CREATE UNLOGGED TABLE public.bench_stage_events (
    seq bigint, video_id bigint, event_type text, ts timestamptz, device_id text, ip_hash text);
-- rank = floor(exp(u·ln(V+q) + (1-u)·ln q)) - q + 1: log-uniform over [q, V+q), q = 10.
INSERT INTO public.bench_stage_events
SELECT g.n, r.video_id,
       CASE WHEN g.t < 0.80 THEN 'view' WHEN g.t < 0.92 THEN 'like'
            WHEN g.t < 0.97 THEN 'comment' ELSE 'share' END,
       r.lo + g.f * (timestamptz '2025-09-01 00:00+00' - r.lo),
       CASE WHEN g.nd < 0.01 THEN NULL ELSE substr(md5('d' || g.dev), 1, 16) END,
       CASE WHEN g.ni < 0.005 THEN NULL
            WHEN g.ni < 0.85 THEN substr(md5('i' || (g.dev::bigint * 7919) % 200000), 1, 16)
            ELSE substr(md5('i' || g.ip), 1, 16) END
FROM (SELECT n,
             least(:n_videos, floor(exp(u * ln(:n_videos + 10) + (1 - u) * ln(10)))::bigint - 9) AS rank,
             t, f, dev, ip, nd, ni
      FROM (SELECT n, random() AS u, random() AS t, random() AS f,
                   floor(random() * 500000)::int AS dev, floor(random() * 200000)::int AS ip,
                   random() AS nd, random() AS ni
            FROM generate_series(1, :n_organic) AS n OFFSET 0) x) g
JOIN public.bench_video_rank r ON r.pop_rank = g.rank;

SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen_wide :gen_el] 5/8 bot-farm events (:n_farm on :n_farm_videos farm videos)
-- As in gen.sql: farm video k is hammered by w = 3..40 consecutive devices of the 300-device
-- pool and w/3 IPs of the 120-IP pool; farm popularity is skewed towards low k.
INSERT INTO public.bench_stage_events
SELECT 1000000000000 + g.n, r.video_id,
       CASE WHEN g.t < 0.93 THEN 'view' WHEN g.t < 0.98 THEN 'like' ELSE 'share' END,
       r.lo + g.f * (timestamptz '2025-09-01 00:00+00' - r.lo),
       substr(md5('fd' || (g.k * 37 + floor(g.d * (3 + (g.k * 13) % 38))::int) % 300), 1, 16),
       substr(md5('fi' || (g.k * 11 + floor(g.i * (1 + (3 + (g.k * 13) % 38) / 3))::int) % 120), 1, 16)
FROM (SELECT n, 1 + floor(:n_farm_videos * power(random(), 2))::int AS k,
             random() AS t, random() AS f, random() AS d, random() AS i
      FROM generate_series(1, :n_farm) AS n OFFSET 0) g
JOIN public.bench_video_rank r ON r.farm_rank = g.k;

SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen_wide :gen_el] 6/8 launch bursts (~:n_burst_target views in the first 2 hours of new videos)
INSERT INTO public.bench_stage_events
SELECT 2000000000000 + b.rn * 1000 + n, b.video_id, 'view',
       b.created_at + random() * least(interval '2 hours', timestamptz '2025-09-01 00:00+00' - b.created_at),
       CASE WHEN b.good THEN substr(md5('d' || floor(random() * 500000)::int), 1, 16)
            ELSE substr(md5('fd' || (b.rn + floor(random() * 8)::int) % 300), 1, 16) END,
       CASE WHEN b.good THEN substr(md5('i' || floor(random() * 200000)::int), 1, 16)
            ELSE substr(md5('fi' || (b.rn + floor(random() * 3)::int) % 120), 1, 16) END
FROM (SELECT video_id, created_at, rn, 50 + floor(random() * 151)::int AS size, random() < 0.7 AS good
      FROM (SELECT video_id, created_at, row_number() OVER (ORDER BY key, video_id) AS rn
            FROM (SELECT video_id, created_at, random() AS key FROM public.bench_video_rank
                  WHERE created_at >= '2025-07-26 00:00+00' AND created_at < '2025-08-31 23:00+00'
                  ORDER BY video_id OFFSET 0) s) s2
      WHERE rn <= round(:n_burst_target / 125.0)
      ORDER BY rn OFFSET 0) b
CROSS JOIN LATERAL generate_series(1, b.size) AS n;

SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen_wide :gen_el] 7/8 event table (sorted insert)
CREATE TABLE public.event (
    id bigint NOT NULL, video_id bigint, event_type text, ts timestamptz, device_id text, ip_hash text
);
INSERT INTO public.event (id, video_id, event_type, ts, device_id, ip_hash)
SELECT row_number() OVER (ORDER BY ts, seq), video_id, event_type, ts, device_id, ip_hash
FROM public.bench_stage_events
ORDER BY ts, seq;
DROP TABLE public.bench_stage_events, public.bench_video_rank;

CREATE TABLE public.transactions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at   timestamptz NOT NULL DEFAULT now(),
    recipient    bigint NOT NULL REFERENCES public.users (id),
    amount_cents int NOT NULL,
    payment_type text NOT NULL,
    status       text NOT NULL,
    direction    text NOT NULL
);
INSERT INTO public.transactions (created_at, recipient, amount_cents, payment_type, status, direction)
SELECT timestamptz '2025-01-01 00:00+00' + random() * interval '200 days',
       1 + floor(random() * :n_creators)::bigint, 100 + floor(random() * 10000)::int,
       CASE WHEN random() < 0.5 THEN 'tip' ELSE 'revenue_split' END, 'completed',
       CASE WHEN random() < 0.8 THEN 'inflow' ELSE 'outflow' END
FROM generate_series(1, 5000);

SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen_wide :gen_el] 8/8 indexes event(ts) and event(video_id, ts)
CREATE INDEX event_ts_idx ON public.event (ts);
CREATE INDEX event_video_id_ts_idx ON public.event (video_id, ts);
\endif

\if :add_inactive
-- The idle catalog: (inactive - 1) × the base catalog again, with no event at all.
SELECT setseed(:seed / 2) \g /dev/null
SELECT count(*) AS c_now FROM public.users \gset
SELECT count(*) AS v_now FROM public.videos \gset
SELECT (:c_now * (:inactive - 1))::bigint AS n_idle_creators, (:v_now * (:inactive - 1))::bigint AS n_idle_videos,
       timestamptz '2025-09-01 00:00+00' - make_interval(days => :launch_days) AS idle_launch0 \gset
SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen_wide :gen_el] idle catalog: :n_idle_creators users and :n_idle_videos videos without events
ALTER TABLE public.videos DROP CONSTRAINT IF EXISTS videos_creator_id_fkey;
ALTER TABLE public.transactions DROP CONSTRAINT IF EXISTS transactions_recipient_fkey;
ALTER TABLE public.videos DROP CONSTRAINT IF EXISTS videos_pkey;
ALTER TABLE public.users DROP CONSTRAINT IF EXISTS users_pkey;
INSERT INTO public.users (id, handle, current_balance, kyc_level, creator_trust_score, likely_bot)
SELECT id,
       'creator_' || id,
       CASE WHEN r1 < 0.05 THEN NULL ELSE floor(r1 * 500000)::bigint END,
       CASE WHEN r2 < 0.05 THEN NULL WHEN r2 < 0.15 THEN 0 WHEN r2 < 0.45 THEN 1
            WHEN r2 < 0.75 THEN 2 ELSE 3 + (r2 > 0.95)::int END,
       CASE WHEN r3 < 0.15 THEN NULL WHEN r3 < 0.16 THEN -5 WHEN r3 < 0.17 THEN 150
            ELSE round(((r3 - 0.17) / 0.83 * 100)::numeric, 1) END,
       CASE WHEN r4 < 0.10 THEN NULL WHEN r4 < 0.105 THEN true ELSE false END
FROM (SELECT id, random() AS r1, random() AS r2, random() AS r3, random() AS r4
      FROM generate_series(:c_now + 1, :c_now + :n_idle_creators) AS id OFFSET 0) s;
SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen_wide :gen_el] idle videos
INSERT INTO public.videos (id, creator_id, created_at)
SELECT id,
       :c_now + 1 + floor(:n_idle_creators * power(r1, 2))::bigint,
       CASE WHEN r2 < 0.005 THEN NULL
            ELSE :'idle_launch0'::timestamptz + floor(r3 * :launch_days * 1440) * interval '1 minute' END
FROM (SELECT id, random() AS r1, random() AS r2, random() AS r3
      FROM generate_series(:v_now + 1, :v_now + :n_idle_videos) AS id OFFSET 0) s;
SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen_wide :gen_el] primary and foreign keys
ALTER TABLE public.users ADD PRIMARY KEY (id);
ALTER TABLE public.videos ADD PRIMARY KEY (id);
ALTER TABLE public.videos ADD FOREIGN KEY (creator_id) REFERENCES public.users (id);
ALTER TABLE public.transactions ADD FOREIGN KEY (recipient) REFERENCES public.users (id);
\endif

SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen_wide :gen_el] VACUUM ANALYZE
RESET max_parallel_workers_per_gather;
VACUUM (ANALYZE) public.users, public.videos, public.transactions, public.event;
SELECT format('[gen_wide %s] done: %s users, %s videos (%s with an event), %s events (%s views); '
              'event %s + indexes %s, videos %s, users %s',
              to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS'),
              (SELECT count(*) FROM public.users), (SELECT count(*) FROM public.videos),
              (SELECT count(DISTINCT video_id) FROM public.event), count(*),
              count(*) FILTER (WHERE event_type = 'view'),
              pg_size_pretty(pg_table_size('public.event'::regclass)),
              pg_size_pretty(pg_indexes_size('public.event'::regclass)),
              pg_size_pretty(pg_total_relation_size('public.videos'::regclass)),
              pg_size_pretty(pg_total_relation_size('public.users'::regclass)))
FROM public.event \gset gen_
\echo :gen_format

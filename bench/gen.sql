-- revenue_split benchmark data generator (SPEC §1 tables in schema public).
--
--   psql -v events=6000000 [-v shuffled=1] [-v partitioned=1] [-v seed=0.5] -f bench/gen.sql
--
-- Deterministic: same variables → same rows (setseed, serial plan, ties broken by a sequence
-- number). Drops and recreates users, videos, event, transactions in public. Runs in a couple of
-- minutes for 6M events on 2 cores: everything is generated with generate_series into an
-- unlogged staging table, then copied into `event` in one sorted INSERT, then indexed and
-- vacuumed.
--
-- Shape (see bench/README.md):
--   * 2,000 creators (ids 1..2000), 50,000 videos (ids 1..50000), created over the year up to
--     2025-08-31 (~10% inside the event window, 0.5% NULL created_at);
--   * events from 2025-07-26 00:00Z to 2025-09-01 00:00Z (August plus the 6 days before it);
--   * organic traffic (88%): Zipf-like popularity (log-uniform rank, Zipf–Mandelbrot q=10:
--     top 1% of videos ≈ 45% of events), 80% views / 12% likes / 5% comments / 3% shares,
--     devices from a pool of 500k and IPs from 200k (a device mostly keeps its home IP),
--     ~1% NULL device_id, ~0.5% NULL ip_hash;
--   * bot farms (10%): 300 devices behind 120 IPs hammering the ~400 videos of 40 farm
--     creators (half of them flagged likely_bot), 3..40 devices per video;
--   * launch bursts (2%): 50..200 views in the first 2 hours of videos created inside the
--     window; 70% from diverse organic devices (early_mult 1.05), 30% from a few farm devices;
--   * `event` is written in ts order (or shuffled) and has ONLY an index on event(ts).

\set ON_ERROR_STOP 1
\if :{?events}
\else
\set events 6000000
\endif
\if :{?shuffled}
\else
\set shuffled 0
\endif
\if :{?partitioned}
\else
\set partitioned 0
\endif
\if :{?seed}
\else
\set seed 0.20250801
\endif

SET client_min_messages = warning;
SET TimeZone = 'UTC';
-- A serial plan keeps random() deterministic (it is parallel restricted anyway).
SET max_parallel_workers_per_gather = 0;
SET work_mem = '512MB';
SET maintenance_work_mem = '1GB';
SET synchronous_commit = off;
SELECT setseed(:seed) \g /dev/null

SELECT :events::bigint AS n_events,
       round(:events * 0.10)::bigint AS n_farm,
       round(:events * 0.02)::bigint AS n_burst_target
\gset
SELECT :n_events - :n_farm - :n_burst_target AS n_organic \gset
\echo [gen] :n_events events (organic, farm, bursts ≈ 88/10/2%), shuffled=:shuffled partitioned=:partitioned
SELECT clock_timestamp() AS gen_t0 \gset

SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen :gen_el] 1/8 drop old tables
DROP TABLE IF EXISTS public.transactions, public.event, public.videos, public.users,
    public.bench_stage_events, public.bench_video_rank CASCADE;

SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen :gen_el] 2/8 users (2,000 creators)
CREATE TABLE public.users (
    id                  bigint PRIMARY KEY,
    handle              text,
    current_balance     bigint DEFAULT 0,
    kyc_level           int,
    creator_trust_score numeric,
    likely_bot          boolean
);
-- ids 1961..2000 run bot farms; 1961..1980 are flagged likely_bot, 1981..2000 are not.
INSERT INTO public.users (id, handle, current_balance, kyc_level, creator_trust_score, likely_bot)
SELECT id,
       'creator_' || id,
       CASE WHEN r1 < 0.05 THEN NULL ELSE floor(r1 * 500000)::bigint END,
       CASE WHEN r2 < 0.05 THEN NULL WHEN r2 < 0.15 THEN 0 WHEN r2 < 0.45 THEN 1
            WHEN r2 < 0.75 THEN 2 ELSE 3 + (r2 > 0.95)::int END,
       CASE WHEN r3 < 0.15 THEN NULL WHEN r3 < 0.16 THEN -5 WHEN r3 < 0.17 THEN 150
            ELSE round(((r3 - 0.17) / 0.83 * 100)::numeric, 1) END,
       CASE WHEN id BETWEEN 1961 AND 1980 THEN true WHEN id > 1980 THEN false
            WHEN r4 < 0.10 THEN NULL WHEN r4 < 0.105 THEN true ELSE false END
FROM (SELECT id, random() AS r1, random() AS r2, random() AS r3, random() AS r4
      FROM generate_series(1, 2000) AS id OFFSET 0) s;

SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen :gen_el] 3/8 videos (50,000) and popularity ranks
CREATE TABLE public.videos (
    id         bigint PRIMARY KEY,
    creator_id bigint NOT NULL REFERENCES public.users (id),
    created_at timestamptz
);
-- 0.8% of videos belong to the 40 farm creators; the rest to creators 1..1960, skewed
-- (creator 1 has ~1,100 videos, creator 1960 ~13).
INSERT INTO public.videos (id, creator_id, created_at)
SELECT id,
       CASE WHEN r1 < 0.008 THEN 1961 + floor(r1 / 0.008 * 40)::bigint
            ELSE 1 + floor(1960 * power((r1 - 0.008) / 0.992, 2))::bigint END,
       CASE WHEN r2 < 0.005 THEN NULL
            ELSE timestamptz '2024-09-01 00:00+00' + r3 * interval '365 days' END
FROM (SELECT id, random() AS r1, random() AS r2, random() AS r3
      FROM generate_series(1, 50000) AS id OFFSET 0) s;

-- pop_rank 1..50000: a random permutation, with videos created inside the window pushed out
-- of the very top (a brand-new video does not get 1% of a month's traffic in an hour).
-- farm_rank numbers the farm creators' videos 1..F.
CREATE UNLOGGED TABLE public.bench_video_rank AS
SELECT id AS video_id, created_at,
       greatest(timestamptz '2025-07-26 00:00+00', coalesce(created_at, '-infinity')) AS lo,
       row_number() OVER (ORDER BY key, id) AS pop_rank,
       CASE WHEN creator_id > 1960 THEN row_number() OVER (PARTITION BY creator_id > 1960 ORDER BY id) END AS farm_rank
FROM (SELECT id, creator_id, created_at,
             random() + CASE WHEN created_at >= '2025-07-26 00:00+00' THEN 0.1 ELSE 0 END AS key
      FROM public.videos ORDER BY id OFFSET 0) s;
CREATE INDEX ON public.bench_video_rank (pop_rank);
SELECT count(*) AS n_farm_videos FROM public.bench_video_rank WHERE farm_rank IS NOT NULL \gset
ANALYZE public.bench_video_rank;

SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen :gen_el] 4/8 organic events (:n_organic)
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
             least(50000, floor(exp(u * ln(50010) + (1 - u) * ln(10)))::int - 9) AS rank,
             t, f, dev, ip, nd, ni
      FROM (SELECT n, random() AS u, random() AS t, random() AS f,
                   floor(random() * 500000)::int AS dev, floor(random() * 200000)::int AS ip,
                   random() AS nd, random() AS ni
            FROM generate_series(1, :n_organic) AS n OFFSET 0) x) g
JOIN public.bench_video_rank r ON r.pop_rank = g.rank;

SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen :gen_el] 5/8 bot-farm events (:n_farm)
-- Farm video k is hammered by w = 3..40 consecutive devices of the 300-device pool and
-- w/3 IPs of the 120-IP pool; farm popularity is skewed towards low k.
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
\echo [gen :gen_el] 6/8 launch bursts (~:n_burst_target views in the first 2 hours of new videos)
-- 70% of bursts come from diverse organic devices (early_mult 1.05), 30% from 8 farm devices.
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
\echo [gen :gen_el] 7/8 event table (sorted insert)
\if :partitioned
CREATE TABLE public.event (
    id bigint NOT NULL, video_id bigint, event_type text, ts timestamptz, device_id text, ip_hash text
) PARTITION BY RANGE (ts);
CREATE TABLE public.event_2025_07 PARTITION OF public.event
    FOR VALUES FROM ('2025-07-01 00:00+00') TO ('2025-08-01 00:00+00');
CREATE TABLE public.event_2025_08 PARTITION OF public.event
    FOR VALUES FROM ('2025-08-01 00:00+00') TO ('2025-09-01 00:00+00');
\else
CREATE TABLE public.event (
    id bigint NOT NULL, video_id bigint, event_type text, ts timestamptz, device_id text, ip_hash text
);
\endif
-- id numbers the events in ts order; the physical order is ts, or random when shuffled.
\if :shuffled
INSERT INTO public.event (id, video_id, event_type, ts, device_id, ip_hash)
SELECT id, video_id, event_type, ts, device_id, ip_hash
FROM (SELECT row_number() OVER (ORDER BY ts, seq) AS id, video_id, event_type, ts, device_id, ip_hash
      FROM public.bench_stage_events OFFSET 0) s
ORDER BY md5(id::text || :'seed');
\else
INSERT INTO public.event (id, video_id, event_type, ts, device_id, ip_hash)
SELECT row_number() OVER (ORDER BY ts, seq), video_id, event_type, ts, device_id, ip_hash
FROM public.bench_stage_events
ORDER BY ts, seq;
\endif
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
-- Some history: earlier top-ups and payouts.
INSERT INTO public.transactions (created_at, recipient, amount_cents, payment_type, status, direction)
SELECT timestamptz '2025-01-01 00:00+00' + random() * interval '200 days',
       1 + floor(random() * 2000)::bigint, 100 + floor(random() * 10000)::int,
       CASE WHEN random() < 0.5 THEN 'tip' ELSE 'revenue_split' END, 'completed',
       CASE WHEN random() < 0.8 THEN 'inflow' ELSE 'outflow' END
FROM generate_series(1, 5000);

SELECT to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS') AS gen_el \gset
\echo [gen :gen_el] 8/8 index on event(ts), VACUUM ANALYZE
CREATE INDEX event_ts_idx ON public.event (ts);
RESET max_parallel_workers_per_gather;
VACUUM (ANALYZE) public.users, public.videos, public.transactions, public.event;
\if :partitioned
VACUUM (ANALYZE) public.event_2025_07, public.event_2025_08;
\endif
SELECT format('[gen %s] done: %s events (%s views), %s on disk (+ index %s)',
              to_char(clock_timestamp() - :'gen_t0'::timestamptz, 'MI:SS'), count(*), count(*) FILTER (WHERE event_type = 'view'),
              pg_size_pretty(pg_total_relation_size('public.event'::regclass)
                             + coalesce((SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits
                                         WHERE inhparent = 'public.event'::regclass), 0)
                             - pg_indexes_size('public.event'::regclass)
                             - coalesce((SELECT sum(pg_indexes_size(inhrelid)) FROM pg_inherits
                                         WHERE inhparent = 'public.event'::regclass), 0)),
              pg_size_pretty(pg_indexes_size('public.event'::regclass)
                             + coalesce((SELECT sum(pg_indexes_size(inhrelid)) FROM pg_inherits
                                         WHERE inhparent = 'public.event'::regclass), 0)))
FROM public.event \gset gen_
\echo :gen_format

-- A small, deterministic sample of a short-video platform (SPEC §1 tables, schema public):
-- 7 creators, 16 videos, ~40k events from 2025-07-25 to 2025-08-31 (UTC).
--   1 alice  KYC 3, trust 80   organic, popular
--   2 bob    KYC 1, trust 50   popular but capped at 5,000 cents a run
--   3 carol  KYC 2, trust NULL organic
--   4 dave   KYC 3, likely_bot a bot farm: excluded (units 0)
--   5 erin   KYC 0             cap 0: earns units, is paid nothing
--   6 frank  KYC 3, trust 95   a video launched 2025-08-10 with a real early burst (+5%)
--   7 gina   KYC 2, trust 30   not flagged, but one video's views come from a few devices (cluster penalty)
SELECT setseed(0.20250801);

CREATE TABLE public.users (
    id                  bigint PRIMARY KEY,
    handle              text,
    current_balance     bigint DEFAULT 0,
    kyc_level           int,
    creator_trust_score numeric,
    likely_bot          boolean
);
CREATE TABLE public.videos (
    id         bigint PRIMARY KEY,
    creator_id bigint NOT NULL REFERENCES public.users (id),
    created_at timestamptz
);
CREATE TABLE public.event (
    id         bigint GENERATED ALWAYS AS IDENTITY,
    video_id   bigint,
    event_type text,
    ts         timestamptz,
    device_id  text,
    ip_hash    text
);
CREATE INDEX event_ts_idx ON public.event (ts);
CREATE TABLE public.transactions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at   timestamptz NOT NULL DEFAULT now(),
    recipient    bigint NOT NULL REFERENCES public.users (id),
    amount_cents int NOT NULL,
    payment_type text NOT NULL,
    status       text NOT NULL,
    direction    text NOT NULL
);

INSERT INTO public.users (id, handle, current_balance, kyc_level, creator_trust_score, likely_bot) VALUES
    (1, 'alice', 0,    3, 80,   false),
    (2, 'bob',   1200, 1, 50,   false),
    (3, 'carol', NULL, 2, NULL, false),
    (4, 'dave',  0,    3, 40,   true),
    (5, 'erin',  0,    0, 70,   false),
    (6, 'frank', 0,    3, 95,   false),
    (7, 'gina',  0,    2, 30,   false);

-- popularity = mean events per day
CREATE TEMP TABLE demo_videos (id bigint, creator_id bigint, created_at timestamptz, popularity int, farm boolean);
INSERT INTO demo_videos VALUES
    (101, 1, '2025-06-01 10:00+00', 220, false), (102, 1, '2025-06-20 18:00+00', 120, false),
    (103, 1, '2025-07-02 09:00+00',  60, false),
    (201, 2, '2025-06-11 12:00+00', 180, false), (202, 2, '2025-07-15 15:00+00', 140, false),
    (301, 3, '2025-05-30 08:00+00',  90, false), (302, 3, '2025-07-20 20:00+00',  70, false),
    (401, 4, '2025-07-01 00:00+00', 300, true),  (402, 4, '2025-07-01 00:00+00', 250, true),
    (501, 5, '2025-06-05 07:00+00',  80, false),
    (601, 6, '2025-06-15 16:00+00',  50, false), (602, 6, '2025-08-10 18:00+00', 160, false),
    (701, 7, '2025-06-25 11:00+00',  40, false), (702, 7, '2025-07-05 13:00+00', 120, true),
    (703, 7, NULL,                    30, false),
    (801, 1, '2025-08-30 22:00+00',  20, false);
INSERT INTO public.videos (id, creator_id, created_at) SELECT id, creator_id, created_at FROM demo_videos;

-- Organic traffic: 80% views, 12% likes, 5% comments, 3% shares from a large device/IP pool;
-- farm videos: views from 5 devices behind 2 IPs.
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT v.id,
       CASE WHEN v.farm THEN (CASE WHEN x.r < 0.97 THEN 'view' ELSE 'like' END)
            WHEN x.r < 0.80 THEN 'view' WHEN x.r < 0.92 THEN 'like'
            WHEN x.r < 0.97 THEN 'comment' ELSE 'share' END,
       greatest(d, coalesce(v.created_at, d)) + x.t * interval '1 day',
       CASE WHEN v.farm THEN 'farm-dev-' || floor(x.r2 * 5)::int ELSE 'dev-' || floor(x.r2 * 20000)::int END,
       CASE WHEN v.farm THEN 'farm-ip-' || floor(x.r3 * 2)::int ELSE 'ip-' || floor(x.r3 * 8000)::int END
FROM demo_videos v
CROSS JOIN generate_series(timestamptz '2025-07-25 00:00+00', timestamptz '2025-08-31 00:00+00', interval '1 day') AS d
-- (d is referenced inside the LATERALs so that Postgres draws new events for every day
-- instead of materializing one day's and reusing them)
CROSS JOIN LATERAL generate_series(1, (v.popularity * (0.6 + 0.8 * random()))::int + 0 * extract(day FROM d)::int) AS n
CROSS JOIN LATERAL (SELECT random() + 0 * n AS r, random() + 0 * n AS r2, random() + 0 * n AS r3,
                           random() + 0 * n AS t) AS x
WHERE v.created_at IS NULL OR d + interval '1 day' > v.created_at;

-- frank's launch: 90 views in its first two hours from 80 devices and 60 IPs → early_mult 1.05.
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash)
SELECT 602, 'view', timestamptz '2025-08-10 18:00+00' + (n * 75) * interval '1 second',
       'launch-dev-' || (n % 80), 'launch-ip-' || (n % 60)
FROM generate_series(1, 90) AS n;

-- Noise the extension must ignore: other event types, NULL ts, a video with no videos row.
INSERT INTO public.event (video_id, event_type, ts, device_id, ip_hash) VALUES
    (101, 'View', '2025-08-20 12:00+00', 'dev-1', 'ip-1'),
    (101, 'impression', '2025-08-20 12:00+00', 'dev-1', 'ip-1'),
    (101, 'view', NULL, 'dev-1', 'ip-1'),
    (999, 'view', '2025-08-20 12:00+00', 'dev-1', 'ip-1');

ANALYZE public.users, public.videos, public.event;

-- Naive alternative (a): the month's daily aggregation as the plain SQL a user would write,
-- one day at a time (what a payout script would run before doing the arithmetic itself).
-- For each of the 31 days D of 2025-08:
--   1. counts per video on D                        (views/likes/comments/shares)
--   2. top device per video on D                    (cluster penalty input)
--   3. top IP per video on D                        (cluster penalty input)
--   4. per creator over [D-6, D+1): counts and distinct devices/IPs of views (integrity input)
-- and once: early views / distinct devices / IPs in each video's first 2 hours.
-- Results are reduced to count(*) so that only the aggregation is timed, not the transfer.
-- Run inside psql (uses \gexec); output goes wherever \o points.

SELECT count(*) FROM (
    SELECT v.id, count(*), count(DISTINCT e.device_id), count(DISTINCT e.ip_hash)
    FROM public.videos v
    JOIN public.event e ON e.video_id = v.id AND e.ts >= v.created_at AND e.ts < v.created_at + interval '2 hours'
    WHERE e.event_type = 'view' AND e.ts >= '2025-07-26 00:00+00' AND e.ts < '2025-09-01 00:00+00'
    GROUP BY v.id) q;

SELECT format($q$
SELECT count(*) FROM (
    SELECT video_id,
           count(*) FILTER (WHERE event_type = 'view') AS views,
           count(*) FILTER (WHERE event_type = 'like') AS likes,
           count(*) FILTER (WHERE event_type = 'comment') AS comments,
           count(*) FILTER (WHERE event_type = 'share') AS shares
    FROM public.event
    WHERE ts >= %1$L AND ts < %2$L AND event_type IN ('view', 'like', 'comment', 'share')
    GROUP BY video_id) q
$q$, d, d + interval '1 day'),
       format($q$
SELECT count(*) FROM (
    SELECT video_id, max(n) FROM (
        SELECT video_id, device_id, count(*) AS n FROM public.event
        WHERE ts >= %1$L AND ts < %2$L AND event_type = 'view' AND device_id IS NOT NULL
        GROUP BY video_id, device_id) x
    GROUP BY video_id) q
$q$, d, d + interval '1 day'),
       format($q$
SELECT count(*) FROM (
    SELECT video_id, max(n) FROM (
        SELECT video_id, ip_hash, count(*) AS n FROM public.event
        WHERE ts >= %1$L AND ts < %2$L AND event_type = 'view' AND ip_hash IS NOT NULL
        GROUP BY video_id, ip_hash) x
    GROUP BY video_id) q
$q$, d, d + interval '1 day'),
       format($q$
SELECT count(*) FROM (
    SELECT v.creator_id,
           count(*) FILTER (WHERE e.event_type = 'view') AS views,
           count(*) FILTER (WHERE e.event_type IN ('like', 'comment')) AS likes_comments,
           count(DISTINCT e.device_id) FILTER (WHERE e.event_type = 'view') AS uniq_dev,
           count(DISTINCT e.ip_hash) FILTER (WHERE e.event_type = 'view') AS uniq_ip
    FROM public.event e JOIN public.videos v ON v.id = e.video_id
    WHERE e.ts >= %1$L AND e.ts < %2$L AND e.event_type IN ('view', 'like', 'comment', 'share')
    GROUP BY v.creator_id) q
$q$, d - interval '6 days', d + interval '1 day')
FROM generate_series(timestamptz '2025-08-01 00:00+00', timestamptz '2025-08-31 00:00+00', interval '1 day') AS d
\gexec

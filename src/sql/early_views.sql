-- Early-window view stats of the videos $1 (int8[]) whose window [created_at, created_at + $2 s)
-- reaches outside the event pass, when event has no (video_id, ts) index (else
-- early_views_by_video.sql). The windows are merged into disjoint time ranges, and each range
-- is read by its own ts-range scan (LATERAL, fenced with OFFSET 0 so the planner cannot turn
-- it into a join against the whole table), so reads are bounded by the windows' events.
WITH w AS MATERIALIZED (
    SELECT v.id AS video_id, v.created_at AS lo,
           v.created_at OPERATOR(pg_catalog.+) pg_catalog.make_interval(secs => $2) AS hi
    FROM @app@.videos v
    WHERE v.id OPERATOR(pg_catalog.=) ANY ($1::int8[])
      AND v.created_at IS NOT NULL
      AND pg_catalog.isfinite(v.created_at)
), starts AS (
    SELECT lo, hi,
           CASE WHEN lo OPERATOR(pg_catalog.<=) max(hi) OVER (ORDER BY lo, hi ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                THEN 0 ELSE 1 END AS new_range
    FROM w
), numbered AS (
    SELECT lo, hi, sum(new_range) OVER (ORDER BY lo, hi ROWS UNBOUNDED PRECEDING) AS range_no
    FROM starts
), ranges AS (
    SELECT min(lo) AS lo, max(hi) AS hi FROM numbered GROUP BY range_no
)
SELECT w.video_id::int8,
       count(*)::int8 AS views,
       count(DISTINCT e.device_id)::int8 AS uniq_devices,
       count(DISTINCT e.ip_hash)::int8 AS uniq_ips
FROM ranges r
CROSS JOIN LATERAL (
    SELECT e.video_id, e.ts, e.device_id, e.ip_hash
    FROM @app@.event e
    WHERE e.ts OPERATOR(pg_catalog.>=) r.lo AND e.ts OPERATOR(pg_catalog.<) r.hi
      AND e.event_type OPERATOR(pg_catalog.=) 'view'
    OFFSET 0
) e
JOIN w ON w.video_id OPERATOR(pg_catalog.=) e.video_id
      AND e.ts OPERATOR(pg_catalog.>=) w.lo AND e.ts OPERATOR(pg_catalog.<) w.hi
GROUP BY w.video_id

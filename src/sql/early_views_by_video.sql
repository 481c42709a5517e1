-- Early-window view stats of the videos $1 (int8[]) whose window [created_at, created_at + $2 s)
-- reaches outside the event pass, one index probe per video: used when event has an index
-- leading with (video_id, ts), which makes the cost proportional to the early views only.
SELECT v.id::int8, s.views, s.uniq_devices, s.uniq_ips
FROM @app@.videos v
CROSS JOIN LATERAL (
    SELECT count(*)::int8 AS views,
           count(DISTINCT e.device_id)::int8 AS uniq_devices,
           count(DISTINCT e.ip_hash)::int8 AS uniq_ips
    FROM @app@.event e
    WHERE e.video_id OPERATOR(pg_catalog.=) v.id
      AND e.ts OPERATOR(pg_catalog.>=) v.created_at
      AND e.ts OPERATOR(pg_catalog.<) (v.created_at OPERATOR(pg_catalog.+) pg_catalog.make_interval(secs => $2))
      AND e.event_type OPERATOR(pg_catalog.=) 'view'
) s
WHERE v.id OPERATOR(pg_catalog.=) ANY ($1::int8[])
  AND v.created_at IS NOT NULL
  AND pg_catalog.isfinite(v.created_at)
  AND s.views OPERATOR(pg_catalog.>) 0

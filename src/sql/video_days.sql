-- Counted events per (video, window day) over [$1, $3), plus, for the days of the period
-- [$2, $3), the largest number of that day's views sharing one device and one IP.
-- Days are UTC whatever the session TimeZone: day index = UTC date - $1.
-- @app@ is the quoted application schema.
WITH counts AS (
    SELECT e.video_id,
           (e.ts AT TIME ZONE 'UTC')::date OPERATOR(pg_catalog.-) $1::date AS wday,
           count(*) FILTER (WHERE e.event_type OPERATOR(pg_catalog.=) 'view') AS views,
           count(*) FILTER (WHERE e.event_type OPERATOR(pg_catalog.=) 'like') AS likes,
           count(*) FILTER (WHERE e.event_type OPERATOR(pg_catalog.=) 'comment') AS comments,
           count(*) FILTER (WHERE e.event_type OPERATOR(pg_catalog.=) 'share') AS shares
    FROM @app@.event e
    WHERE e.ts OPERATOR(pg_catalog.>=) ($1::date::timestamp AT TIME ZONE 'UTC')
      AND e.ts OPERATOR(pg_catalog.<) ($3::date::timestamp AT TIME ZONE 'UTC')
      AND e.event_type OPERATOR(pg_catalog.=) ANY ('{view,like,comment,share}'::text[])
      AND e.video_id IS NOT NULL
    GROUP BY 1, 2
), tops AS (
    SELECT k.video_id, k.wday,
           max(k.n) FILTER (WHERE k.kind OPERATOR(pg_catalog.=) 0) AS top_device,
           max(k.n) FILTER (WHERE k.kind OPERATOR(pg_catalog.=) 1) AS top_ip
    FROM (
        SELECT e.video_id,
               (e.ts AT TIME ZONE 'UTC')::date OPERATOR(pg_catalog.-) $1::date AS wday,
               x.kind, x.key, count(*) AS n
        FROM @app@.event e
        CROSS JOIN LATERAL (VALUES (0, e.device_id), (1, e.ip_hash)) AS x(kind, key)
        WHERE e.ts OPERATOR(pg_catalog.>=) ($2::date::timestamp AT TIME ZONE 'UTC')
          AND e.ts OPERATOR(pg_catalog.<) ($3::date::timestamp AT TIME ZONE 'UTC')
          AND e.event_type OPERATOR(pg_catalog.=) 'view'
          AND x.key IS NOT NULL
        GROUP BY 1, 2, 3, 4
    ) k
    GROUP BY 1, 2
)
SELECT c.video_id::int8, v.creator_id::int8, c.wday::int4,
       c.views, c.likes, c.comments, c.shares,
       COALESCE(t.top_device, 0) AS top_device, COALESCE(t.top_ip, 0) AS top_ip
FROM counts c
JOIN @app@.videos v ON v.id OPERATOR(pg_catalog.=) c.video_id
LEFT JOIN tops t ON t.video_id OPERATOR(pg_catalog.=) c.video_id AND t.wday OPERATOR(pg_catalog.=) c.wday

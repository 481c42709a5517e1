-- Distinct view devices (kind 0) and IPs (kind 1) per creator over [$1, $2), reduced to
-- "day masks": bit d set = seen on day $1 + d. Returns, per creator and mask, how many
-- distinct devices/IPs have exactly that mask (see window.rs).
SELECT g.creator_id::int8, g.kind::int4, g.mask, count(*)::int8 AS n
FROM (
    SELECT v.creator_id, x.kind, x.key,
           pg_catalog.bit_or((1::int8) OPERATOR(pg_catalog.<<)
               ((e.ts AT TIME ZONE 'UTC')::date OPERATOR(pg_catalog.-) $1::date)) AS mask
    FROM @app@.event e
    JOIN @app@.videos v ON v.id OPERATOR(pg_catalog.=) e.video_id
    CROSS JOIN LATERAL (VALUES (0, e.device_id), (1, e.ip_hash)) AS x(kind, key)
    WHERE e.ts OPERATOR(pg_catalog.>=) ($1::date::timestamp AT TIME ZONE 'UTC')
      AND e.ts OPERATOR(pg_catalog.<) ($2::date::timestamp AT TIME ZONE 'UTC')
      AND e.event_type OPERATOR(pg_catalog.=) 'view'
      AND x.key IS NOT NULL
      AND v.creator_id IS NOT NULL
    GROUP BY 1, 2, 3
) g
GROUP BY 1, 2, 3

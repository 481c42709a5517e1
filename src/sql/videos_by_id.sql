-- The videos rows of the ids in $1 (sorted, distinct): one index probe each, in id order.
-- The list is behind a scalar subquery, as in creators.sql: the planner need not estimate it
-- element by element to choose these probes.
SELECT v.id::int8, v.creator_id::int8, v.created_at
FROM @app@.videos v
WHERE v.id OPERATOR(pg_catalog.=) ANY ((SELECT $1::int8[])::int8[])

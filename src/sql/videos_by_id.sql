-- The videos rows of the ids in $1 (sorted, distinct): one index probe each, in id order.
-- @ids@ is the list, as a constant or hidden behind a scalar subquery (see `signals::by_ids`).
SELECT v.id::int8, v.creator_id::int8, v.created_at
FROM @app@.videos v
WHERE v.id OPERATOR(pg_catalog.=) ANY (@ids@)

-- The videos rows of the ids of a lookup (see `signals::lookup`): @match@ is either a range
-- of v.id ($1, $2: the ids' span, filtered by the reader) or v.id = ANY of the list $1
-- (sorted, distinct; one index probe each, in id order).
SELECT v.id::int8, v.creator_id::int8, v.created_at
FROM @app@.videos v
WHERE @match@

-- Every video's creator and launch time, for the event pass to join in memory.
SELECT v.id::int8, v.creator_id::int8, v.created_at
FROM @app@.videos v
WHERE v.id IS NOT NULL

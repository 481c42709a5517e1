-- Is there an index on $1.event leading with (video_id, ts)?
SELECT EXISTS (
    SELECT 1
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
    JOIN pg_catalog.pg_attribute a0 ON a0.attrelid OPERATOR(pg_catalog.=) c.oid
                                   AND a0.attnum OPERATOR(pg_catalog.=) i.indkey[0]
    JOIN pg_catalog.pg_attribute a1 ON a1.attrelid OPERATOR(pg_catalog.=) c.oid
                                   AND a1.attnum OPERATOR(pg_catalog.=) i.indkey[1]
    WHERE n.nspname OPERATOR(pg_catalog.=) $1
      AND c.relname OPERATOR(pg_catalog.=) 'event'
      AND a0.attname OPERATOR(pg_catalog.=) 'video_id'
      AND a1.attname OPERATOR(pg_catalog.=) 'ts')

-- Is there an index (or a partitioned index) on $1.event whose leading column is ts?
SELECT EXISTS (
    SELECT 1
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
    JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid
                                  AND a.attnum OPERATOR(pg_catalog.=) i.indkey[0]
    WHERE n.nspname OPERATOR(pg_catalog.=) $1
      AND c.relname OPERATOR(pg_catalog.=) 'event'
      AND a.attname OPERATOR(pg_catalog.=) 'ts')

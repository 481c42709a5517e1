-- How wide the videos table is (pg_class.reltuples: -1 before the first VACUUM/ANALYZE) and
-- whether a plain btree index leads with its id (one probe per active video).
SELECT c.reltuples::float8,
       EXISTS (SELECT 1
               FROM pg_catalog.pg_index i
               JOIN pg_catalog.pg_class ic ON ic.oid OPERATOR(pg_catalog.=) i.indexrelid
               JOIN pg_catalog.pg_am am ON am.oid OPERATOR(pg_catalog.=) ic.relam
               JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid
                                             AND a.attnum OPERATOR(pg_catalog.=) i.indkey[0]
               WHERE i.indrelid OPERATOR(pg_catalog.=) c.oid
                 AND am.amname OPERATOR(pg_catalog.=) 'btree'
                 AND i.indpred IS NULL
                 AND a.attname OPERATOR(pg_catalog.=) 'id')
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
WHERE n.nspname OPERATOR(pg_catalog.=) $1
  AND c.relname OPERATOR(pg_catalog.=) 'videos'

-- How many rows $1.videos has, from the planner's statistics (pg_class.reltuples; for a
-- partitioned table, summed over its leaf partitions): NULL when it has never been vacuumed
-- or analyzed (reltuples = -1) or does not exist. Reads only the catalog.
SELECT pg_catalog.sum(c.reltuples)::float8
FROM pg_catalog.pg_class t
JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) t.relnamespace
CROSS JOIN LATERAL (SELECT t.oid AS relid
                    UNION
                    SELECT p.relid FROM pg_catalog.pg_partition_tree(t.oid) p) r
JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) r.relid
WHERE n.nspname OPERATOR(pg_catalog.=) $1
  AND t.relname OPERATOR(pg_catalog.=) 'videos'
  AND c.relkind OPERATOR(pg_catalog.=) 'r'
  AND c.reltuples OPERATOR(pg_catalog.>=) 0

-- How closely event's physical order follows ts (pg_stats.correlation, -1..1; no row before the
-- table is analyzed). For a partitioned event, the parent's statistics over all partitions.
SELECT s.correlation::float8
FROM pg_catalog.pg_stats s
WHERE s.schemaname OPERATOR(pg_catalog.=) $1
  AND s.tablename OPERATOR(pg_catalog.=) 'event'
  AND s.attname OPERATOR(pg_catalog.=) 'ts'
  AND s.correlation IS NOT NULL
ORDER BY s.inherited DESC
LIMIT 1

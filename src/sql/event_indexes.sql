-- Which useful indexes $1.event has: a btree leading with ts (the pass reads by ts range, and
-- min/max(ts) are two probes) and one leading with (video_id, ts) (early windows become one
-- probe per video), and whether such an index also holds event_type, device_id and ip_hash (as
-- key or INCLUDE columns): then those probes can be index-only scans, with no heap page read
-- per view. Partial indexes and other access methods (BRIN, hash) do not count.
WITH idx AS (
    SELECT a0.attname AS first_col, a1.attname AS second_col,
           ARRAY(SELECT a.attname FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid OPERATOR(pg_catalog.=) c.oid
                   AND a.attnum OPERATOR(pg_catalog.=) ANY (i.indkey::pg_catalog.int2[])) AS cols
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indrelid
    JOIN pg_catalog.pg_class ic ON ic.oid OPERATOR(pg_catalog.=) i.indexrelid
    JOIN pg_catalog.pg_am am ON am.oid OPERATOR(pg_catalog.=) ic.relam
    JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
    JOIN pg_catalog.pg_attribute a0 ON a0.attrelid OPERATOR(pg_catalog.=) c.oid
                                   AND a0.attnum OPERATOR(pg_catalog.=) i.indkey[0]
    LEFT JOIN pg_catalog.pg_attribute a1 ON a1.attrelid OPERATOR(pg_catalog.=) c.oid
                                        AND a1.attnum OPERATOR(pg_catalog.=) i.indkey[1]
    WHERE n.nspname OPERATOR(pg_catalog.=) $1
      AND c.relname OPERATOR(pg_catalog.=) 'event'
      AND am.amname OPERATOR(pg_catalog.=) 'btree'
      AND i.indpred IS NULL
)
SELECT EXISTS (SELECT 1 FROM idx WHERE first_col OPERATOR(pg_catalog.=) 'ts'),
       EXISTS (SELECT 1 FROM idx WHERE first_col OPERATOR(pg_catalog.=) 'video_id'
                                   AND second_col OPERATOR(pg_catalog.=) 'ts'),
       EXISTS (SELECT 1 FROM idx WHERE first_col OPERATOR(pg_catalog.=) 'video_id'
                                   AND second_col OPERATOR(pg_catalog.=) 'ts'
                                   AND cols OPERATOR(pg_catalog.@>) ARRAY['event_type', 'device_id', 'ip_hash']::pg_catalog.name[])

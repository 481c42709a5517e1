-- The planner's row counts (pg_class.reltuples) of `videos` and `event` in schema $1, an event
-- partitioned or not (the sum over its leaf partitions). NULL when unknown: a table never
-- vacuumed or analyzed has reltuples -1.
SELECT (SELECT CASE WHEN c.reltuples OPERATOR(pg_catalog.>=) 0 THEN c.reltuples::float8 END
        FROM pg_catalog.pg_class c
        WHERE c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(pg_catalog.format('%I.videos', $1))),
       (SELECT CASE WHEN pg_catalog.bool_or(c.reltuples OPERATOR(pg_catalog.<) 0) THEN NULL
                    ELSE pg_catalog.sum(c.reltuples)::float8 END
        FROM pg_catalog.pg_class c
        WHERE (c.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(pg_catalog.format('%I.event', $1))
               AND c.relkind OPERATOR(pg_catalog.<>) 'p')
           OR c.oid IN (SELECT t.relid
                        FROM pg_catalog.pg_partition_tree(pg_catalog.to_regclass(pg_catalog.format('%I.event', $1))) t
                        WHERE t.isleaf))

-- Whether $1.$2 (videos or users) has a valid btree index, not partial, leading with its id
-- column: then a lookup by a long id list (videos_by_id.sql, creators.sql) can hide the list
-- from the planner, which would otherwise estimate = ANY element by element only to choose
-- probes of that index. Without one the list stays a constant, which PostgreSQL hashes when
-- it filters a scan of the table. A view has no index: the list stays a constant.
SELECT EXISTS (
    SELECT 1
    FROM pg_catalog.pg_index i
    JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indrelid
    JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
    JOIN pg_catalog.pg_class ic ON ic.oid OPERATOR(pg_catalog.=) i.indexrelid
    JOIN pg_catalog.pg_am am ON am.oid OPERATOR(pg_catalog.=) ic.relam
    JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid
                                  AND a.attnum OPERATOR(pg_catalog.=) i.indkey[0]
    WHERE n.nspname OPERATOR(pg_catalog.=) $1
      AND c.relname OPERATOR(pg_catalog.=) $2
      AND a.attname OPERATOR(pg_catalog.=) 'id'
      AND am.amname OPERATOR(pg_catalog.=) 'btree'
      AND i.indpred IS NULL
      AND i.indisvalid
)

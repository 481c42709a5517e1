-- The btree indexes of the table $1.$2 that are not partial (BRIN, hash and partial indexes
-- do not count), each as whether it is valid and the names of its columns in index order: key
-- columns, then INCLUDE columns; an expression is NULL. `signals::btree_indexes` reads them
-- for two questions: which indexes of `event` the pass and the doctor can count on
-- (`EventIndexes`), and whether `videos` or `users` has a valid one led by `id` (`lookup`).
SELECT i.indisvalid,
       ARRAY(SELECT a.attname::pg_catalog.text
             FROM pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, pos)
             LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid
                                                AND a.attnum OPERATOR(pg_catalog.=) k.attnum
             ORDER BY k.pos) AS cols
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
JOIN pg_catalog.pg_class ic ON ic.oid OPERATOR(pg_catalog.=) i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid OPERATOR(pg_catalog.=) ic.relam
WHERE n.nspname OPERATOR(pg_catalog.=) $1
  AND c.relname OPERATOR(pg_catalog.=) $2
  AND am.amname OPERATOR(pg_catalog.=) 'btree'
  AND i.indpred IS NULL

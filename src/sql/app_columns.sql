-- Columns of the application tables, to check them before any query touches them.
-- $1 = application schema name, $2 = table names. A domain is judged by its base type
-- (base_type: the pg_type name, e.g. int8, timestamptz, text), an enum by its labels.
SELECT c.relname::text AS table_name,
       a.attname::text AS column_name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS column_type,
       bt.typtype::text AS type_kind,
       EXISTS (SELECT 1 FROM pg_catalog.pg_enum e
               WHERE e.enumtypid OPERATOR(pg_catalog.=) bt.oid
                 AND e.enumlabel OPERATOR(pg_catalog.=) 'inflow') AS has_inflow_label,
       EXISTS (SELECT 1 FROM pg_catalog.pg_enum e
               WHERE e.enumtypid OPERATOR(pg_catalog.=) bt.oid
                 AND e.enumlabel OPERATOR(pg_catalog.=) 'outflow') AS has_outflow_label,
       bt.typname::text AS base_type,
       c.relrowsecurity AS rls_enabled
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
LEFT JOIN pg_catalog.pg_attribute a
       ON a.attrelid OPERATOR(pg_catalog.=) c.oid
      AND a.attnum OPERATOR(pg_catalog.>) 0
      AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
LEFT JOIN pg_catalog.pg_type bt
       ON bt.oid OPERATOR(pg_catalog.=) CASE WHEN t.typtype OPERATOR(pg_catalog.=) 'd' THEN t.typbasetype ELSE t.oid END
WHERE n.nspname OPERATOR(pg_catalog.=) $1
  AND c.relname OPERATOR(pg_catalog.=) ANY ($2)
  AND c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p,v,m,f}'::"char"[])

-- A stable, sorted text description of every object that belongs to revenue_split: functions
-- (full definition, volatility, config, ACL), the schema, tables (columns, types, defaults,
-- constraints, indexes, ACL, comments), sequences, views, and the config-dump marks.
-- An upgraded install and a fresh install of the same version must describe identically.
WITH ext AS (SELECT oid, extconfig, extcondition FROM pg_catalog.pg_extension WHERE extname = 'revenue_split'),
members AS (
    SELECT d.classid, d.objid FROM pg_catalog.pg_depend d, ext
    WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
),
rels AS (
    SELECT c.oid, c.relname, c.relkind FROM pg_catalog.pg_class c JOIN members m
      ON m.classid = 'pg_catalog.pg_class'::regclass AND m.objid = c.oid
)
SELECT line FROM (
    SELECT 'member ' || pg_catalog.pg_describe_object(m.classid, m.objid, 0) AS line FROM members m
    UNION ALL
    SELECT 'function ' || p.oid::regprocedure || E'\n' || pg_catalog.pg_get_functiondef(p.oid)
           || E'\nacl ' || coalesce(p.proacl::text, 'default')
    FROM pg_catalog.pg_proc p JOIN members m ON m.classid = 'pg_catalog.pg_proc'::regclass AND m.objid = p.oid
    UNION ALL
    SELECT 'column ' || r.relname || '.' || a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
           || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
           || coalesce(' DEFAULT ' || pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), '')
           || ' #' || a.attnum
    FROM rels r JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = r.oid AND ad.adnum = a.attnum
    UNION ALL
    SELECT 'constraint ' || r.relname || '.' || co.conname || ' ' || pg_catalog.pg_get_constraintdef(co.oid)
    FROM rels r JOIN pg_catalog.pg_constraint co ON co.conrelid = r.oid
    UNION ALL
    SELECT 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid)
    FROM rels r JOIN pg_catalog.pg_index i ON i.indrelid = r.oid
    UNION ALL
    SELECT 'acl ' || r.relname || ' ' || coalesce(c.relacl::text, 'default')
    FROM rels r JOIN pg_catalog.pg_class c ON c.oid = r.oid
    UNION ALL
    SELECT 'view ' || r.relname || E'\n' || pg_catalog.pg_get_viewdef(r.oid, true)
    FROM rels r WHERE r.relkind = 'v'
    UNION ALL
    SELECT 'comment ' || pg_catalog.pg_describe_object(d.classoid, d.objoid, d.objsubid) || ': ' || d.description
    FROM pg_catalog.pg_description d JOIN members m ON m.classid = d.classoid AND m.objid = d.objoid
    UNION ALL
    SELECT 'schema acl ' || n.nspname || ' ' || coalesce(n.nspacl::text, 'default')
    FROM pg_catalog.pg_namespace n WHERE n.nspname = 'revenue_split'
    UNION ALL
    SELECT 'config dump ' || c.relname || ' filter ' || coalesce(cond, '')
    FROM ext, unnest(ext.extconfig, ext.extcondition) AS u(reloid, cond)
    JOIN pg_catalog.pg_class c ON c.oid = u.reloid
) s
ORDER BY line;

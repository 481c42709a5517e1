-- revenue_split objects usable by PUBLIC, anon or authenticated (Supabase's API roles): the
-- extension's functions, the schema revenue_split, and every table, view, materialized view,
-- sequence and foreign table in that schema (column privileges included). One row per object
-- and grantee: (object, grantee).
WITH ext AS (
    SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'revenue_split'
), api_roles AS (
    SELECT r.oid, r.rolname::text AS rolname FROM pg_catalog.pg_roles r
    WHERE r.rolname OPERATOR(pg_catalog.=) ANY ('{anon,authenticated}'::text[])
), schema AS (
    SELECT n.oid, n.nspacl FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) 'revenue_split'
), funcs AS (
    SELECT p.oid, p.proname::text AS name, p.proacl
    FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) d.objid
    WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
      AND d.refobjid OPERATOR(pg_catalog.=) (SELECT oid FROM ext)
      AND d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
      AND d.deptype OPERATOR(pg_catalog.=) 'e'
), rels AS (
    SELECT c.oid, c.relkind, c.relacl,
           CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                          WHEN 'f' THEN 'foreign table' ELSE 'table' END
               OPERATOR(pg_catalog.||) ' revenue_split.' OPERATOR(pg_catalog.||) c.relname::text AS name
    FROM pg_catalog.pg_class c
    WHERE c.relnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM schema)
      AND c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p,v,m,S,f}'::"char"[])
)
SELECT 'function ' OPERATOR(pg_catalog.||) f.name, 'PUBLIC'
FROM funcs f
WHERE f.proacl IS NULL
   OR EXISTS (SELECT 1 FROM pg_catalog.aclexplode(f.proacl) x
              WHERE x.grantee OPERATOR(pg_catalog.=) 0 AND x.privilege_type OPERATOR(pg_catalog.=) 'EXECUTE')
UNION ALL
SELECT 'function ' OPERATOR(pg_catalog.||) f.name, r.rolname
FROM funcs f CROSS JOIN api_roles r
WHERE pg_catalog.has_function_privilege(r.oid, f.oid, 'EXECUTE')
UNION ALL
SELECT 'schema revenue_split', 'PUBLIC'
FROM schema s
WHERE EXISTS (SELECT 1 FROM pg_catalog.aclexplode(s.nspacl) x WHERE x.grantee OPERATOR(pg_catalog.=) 0)
UNION ALL
SELECT 'schema revenue_split', r.rolname
FROM schema s CROSS JOIN api_roles r
WHERE pg_catalog.has_schema_privilege(r.oid, s.oid, 'USAGE, CREATE')
UNION ALL
SELECT x.name, 'PUBLIC'
FROM rels x
WHERE EXISTS (SELECT 1 FROM pg_catalog.aclexplode(x.relacl) a WHERE a.grantee OPERATOR(pg_catalog.=) 0)
   OR EXISTS (SELECT 1 FROM pg_catalog.pg_attribute att, pg_catalog.aclexplode(att.attacl) a
              WHERE att.attrelid OPERATOR(pg_catalog.=) x.oid AND att.attacl IS NOT NULL
                AND a.grantee OPERATOR(pg_catalog.=) 0)
UNION ALL
SELECT x.name, r.rolname
FROM rels x CROSS JOIN api_roles r
WHERE CASE WHEN x.relkind OPERATOR(pg_catalog.=) 'S'
           THEN pg_catalog.has_sequence_privilege(r.oid, x.oid, 'USAGE, SELECT, UPDATE')
           ELSE pg_catalog.has_any_column_privilege(r.oid, x.oid, 'SELECT, INSERT, UPDATE, REFERENCES')
                OR pg_catalog.has_table_privilege(r.oid, x.oid, 'DELETE, TRUNCATE, TRIGGER')
      END
ORDER BY 1, 2

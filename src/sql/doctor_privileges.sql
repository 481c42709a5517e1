-- revenue_split objects usable by PUBLIC, anon or authenticated (Supabase's API roles).
WITH ext AS (
    SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'revenue_split'
), api_roles AS (
    SELECT r.oid, r.rolname::text AS rolname FROM pg_catalog.pg_roles r
    WHERE r.rolname OPERATOR(pg_catalog.=) ANY ('{anon,authenticated}'::text[])
), funcs AS (
    SELECT p.oid, p.proname::text AS name, p.proacl
    FROM pg_catalog.pg_depend d
    JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) d.objid
    WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass
      AND d.refobjid OPERATOR(pg_catalog.=) (SELECT oid FROM ext)
      AND d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
      AND d.deptype OPERATOR(pg_catalog.=) 'e'
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
SELECT 'table revenue_split.' OPERATOR(pg_catalog.||) c.relname::text, r.rolname
FROM pg_catalog.pg_class c CROSS JOIN api_roles r
WHERE c.relnamespace OPERATOR(pg_catalog.=) 'revenue_split'::pg_catalog.regnamespace
  AND c.relkind OPERATOR(pg_catalog.=) 'r'
  AND pg_catalog.has_table_privilege(r.oid, c.oid, 'SELECT,INSERT,UPDATE,DELETE')
UNION ALL
SELECT 'table revenue_split.' OPERATOR(pg_catalog.||) c.relname::text, 'PUBLIC'
FROM pg_catalog.pg_class c
WHERE c.relnamespace OPERATOR(pg_catalog.=) 'revenue_split'::pg_catalog.regnamespace
  AND c.relkind OPERATOR(pg_catalog.=) 'r'
  AND EXISTS (SELECT 1 FROM pg_catalog.aclexplode(c.relacl) x WHERE x.grantee OPERATOR(pg_catalog.=) 0)
ORDER BY 1, 2

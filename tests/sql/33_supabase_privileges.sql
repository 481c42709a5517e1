-- Scenario group: least privilege whatever the schema and the default privileges (issue 12 §4,
-- README "Supabase (self-hosted)" and "Security").
--
-- Supabase's init scripts run, for the role that creates extensions (supabase_admin),
--   ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public
--       GRANT ALL ON FUNCTIONS / TABLES / SEQUENCES TO postgres, anon, authenticated, service_role
-- and, in schema extensions, the same TO postgres WITH GRANT OPTION. Those are direct grants:
-- `REVOKE ... FROM PUBLIC` leaves them. This file reproduces them (plus database-wide defaults
-- that reach the schema revenue_split itself: ON TABLES, ON SEQUENCES, ON SCHEMAS), then creates
-- the extension as a supabase_admin-like superuser
--   1. in schema public,
--   2. in schema extensions,
--   3. at version 0.1.0 in schema extensions (which kept those grants), with a grant passed on
--      through postgres' grant option and a column privilege, then ALTER EXTENSION UPDATE,
-- and checks every time, from the catalog (aclexplode) and with has_*_privilege, that only the
-- owner and revenue_split_admin hold anything on the extension's functions, tables, views,
-- sequences and on the schema revenue_split; that revenue_split_admin holds what the functions
-- need; that every function runs with row_security = off; and that calls by anon, authenticated,
-- service_role and a Supabase-like `postgres` are refused with 42501.
-- The test database already has the extension (scripts/test-sql): it is dropped inside this
-- transaction, and the ROLLBACK brings it back.
BEGIN;
SELECT plan(53);
SET LOCAL client_min_messages = warning;

-- ==== roles and default privileges, as on a self-hosted Supabase ====
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN NOINHERIT; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN NOINHERIT; END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'service_role') THEN CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS; END IF;
END
$$;
CREATE ROLE rs_t33_supabase_admin SUPERUSER NOLOGIN;                 -- creates extensions (as supautils does)
CREATE ROLE rs_t33_postgres NOSUPERUSER CREATEROLE BYPASSRLS NOLOGIN; -- Supabase's `postgres`
CREATE ROLE rs_t33_grantee NOLOGIN;                                    -- receives grants passed on by rs_t33_postgres
CREATE SCHEMA IF NOT EXISTS extensions;
GRANT USAGE ON SCHEMA public, extensions TO anon, authenticated, service_role, rs_t33_postgres, rs_t33_grantee;

ALTER DEFAULT PRIVILEGES FOR ROLE rs_t33_supabase_admin IN SCHEMA public
    GRANT ALL ON FUNCTIONS TO rs_t33_postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE rs_t33_supabase_admin IN SCHEMA public
    GRANT ALL ON TABLES TO rs_t33_postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE rs_t33_supabase_admin IN SCHEMA public
    GRANT ALL ON SEQUENCES TO rs_t33_postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE rs_t33_supabase_admin IN SCHEMA extensions
    GRANT ALL ON FUNCTIONS TO rs_t33_postgres WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES FOR ROLE rs_t33_supabase_admin IN SCHEMA extensions
    GRANT ALL ON TABLES TO rs_t33_postgres WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES FOR ROLE rs_t33_supabase_admin IN SCHEMA extensions
    GRANT ALL ON SEQUENCES TO rs_t33_postgres WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES FOR ROLE rs_t33_supabase_admin IN SCHEMA extensions
    GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
-- database-wide defaults: they reach the schema revenue_split, its tables and its sequence
ALTER DEFAULT PRIVILEGES FOR ROLE rs_t33_supabase_admin GRANT ALL ON TABLES TO anon, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE rs_t33_supabase_admin GRANT ALL ON SEQUENCES TO authenticated;
ALTER DEFAULT PRIVILEGES FOR ROLE rs_t33_supabase_admin GRANT ALL ON SCHEMAS TO anon, authenticated;

-- The default privileges are in effect: objects created the same way get the direct grants.
SET LOCAL ROLE rs_t33_supabase_admin;
CREATE FUNCTION public.rs_t33_probe() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE TABLE public.rs_t33_probe_t (id bigserial);
CREATE SCHEMA rs_t33_probe_s;
CREATE TABLE rs_t33_probe_s.t (id int);
RESET ROLE;
SELECT ok(EXISTS (SELECT FROM pg_proc p, aclexplode(p.proacl) a
                  WHERE p.oid = 'public.rs_t33_probe()'::regprocedure AND a.grantee = 'anon'::regrole AND a.privilege_type = 'EXECUTE'),
    'probe: a function created by the extension creator in public grants EXECUTE to anon directly');
SELECT ok(has_table_privilege('authenticated', 'public.rs_t33_probe_t', 'SELECT,INSERT,UPDATE,DELETE')
          AND has_sequence_privilege('service_role', 'public.rs_t33_probe_t_id_seq', 'USAGE'),
    'probe: tables and sequences created in public are open to authenticated and service_role');
SELECT ok(has_schema_privilege('anon', 'rs_t33_probe_s', 'USAGE') AND has_table_privilege('anon', 'rs_t33_probe_s.t', 'SELECT'),
    'probe: a new schema and its tables are open to anon (database-wide defaults)');

-- ==== what the checks look at ====
-- The extension's functions, wherever CREATE EXTENSION put them; its relations (members and
-- everything in schema revenue_split); every ACL entry of those and of the schema revenue_split.
CREATE TEMP VIEW rs_funcs AS
SELECT p.oid, p.oid::regprocedure::text AS sig, p.proacl, p.proconfig, p.proowner
FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
WHERE d.refclassid = 'pg_extension'::regclass AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'revenue_split');
CREATE TEMP VIEW rs_rels AS
SELECT c.oid, c.oid::regclass::text AS name, c.relkind, c.relacl, c.relowner
FROM pg_class c
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
  AND (c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'revenue_split')
       OR EXISTS (SELECT FROM pg_depend d
                  WHERE d.refclassid = 'pg_extension'::regclass AND d.classid = 'pg_class'::regclass AND d.deptype = 'e'
                    AND d.objid = c.oid AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'revenue_split')));
CREATE TEMP VIEW rs_acl AS
SELECT 'function ' || f.sig AS object, f.proowner AS owner, a.grantee, a.privilege_type FROM rs_funcs f, aclexplode(f.proacl) a
UNION ALL
SELECT 'relation ' || r.name, r.relowner, a.grantee, a.privilege_type FROM rs_rels r, aclexplode(r.relacl) a
UNION ALL
SELECT 'column ' || r.name || '.' || att.attname, r.relowner, a.grantee, a.privilege_type
FROM rs_rels r JOIN pg_attribute att ON att.attrelid = r.oid, aclexplode(att.attacl) a
UNION ALL
SELECT 'schema ' || n.nspname, n.nspowner, a.grantee, a.privilege_type FROM pg_namespace n, aclexplode(n.nspacl) a
WHERE n.nspname = 'revenue_split';

-- Thirteen checks of one install; `api` = the roles that must hold nothing.
CREATE FUNCTION pg_temp.rs_t33_check(label text, api name[]) RETURNS SETOF text LANGUAGE plpgsql AS $f$
BEGIN
    RETURN NEXT cmp_ok((SELECT count(*) FROM rs_funcs), '>=', 7::bigint,
        label || ': the extension has its functions (at least the six of SPEC §8 and the doctor)');
    RETURN NEXT is(ARRAY(SELECT a.object || ' ' || CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END
                                || ' ' || a.privilege_type
                         FROM rs_acl a
                         WHERE a.grantee NOT IN (a.owner, (SELECT extowner FROM pg_extension WHERE extname = 'revenue_split'),
                                                 'revenue_split_admin'::regrole)
                         ORDER BY 1), '{}'::text[],
        label || ': aclexplode: no grantee but the owner and revenue_split_admin on any function, relation, column or the schema');
    RETURN NEXT is(ARRAY(SELECT r || ' ' || f.sig FROM rs_funcs f, unnest(api) r
                         WHERE has_function_privilege(r, f.oid, 'EXECUTE') ORDER BY 1), '{}'::text[],
        label || ': ' || array_to_string(api, ', ') || ' may execute no function');
    RETURN NEXT is(ARRAY(SELECT r || ' ' || t.name FROM rs_rels t, unnest(api) r
                         WHERE t.relkind <> 'S'
                           AND (has_table_privilege(r, t.oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER')
                                OR has_any_column_privilege(r, t.oid, 'SELECT,INSERT,UPDATE,REFERENCES'))
                         ORDER BY 1), '{}'::text[],
        label || ': they hold no privilege on any table or view (nor any column)');
    RETURN NEXT is(ARRAY(SELECT r || ' ' || t.name FROM rs_rels t, unnest(api) r
                         WHERE CASE WHEN t.relkind = 'S' THEN has_sequence_privilege(r, t.oid, 'USAGE,SELECT,UPDATE') END ORDER BY 1), '{}'::text[],
        label || ': they hold no privilege on any sequence');
    RETURN NEXT is(ARRAY(SELECT r::text FROM unnest(api) r WHERE has_schema_privilege(r, 'revenue_split', 'USAGE,CREATE') ORDER BY 1),
        '{}'::text[], label || ': they hold no privilege on the schema revenue_split');
    RETURN NEXT is(ARRAY(SELECT f.sig FROM rs_funcs f WHERE NOT has_function_privilege('revenue_split_admin', f.oid, 'EXECUTE') ORDER BY 1),
        '{}'::text[], label || ': revenue_split_admin may execute every function');
    RETURN NEXT is(ARRAY(SELECT t.name FROM rs_rels t WHERE t.relkind <> 'S' AND NOT has_table_privilege('revenue_split_admin', t.oid, 'SELECT')
                         ORDER BY 1), '{}'::text[], label || ': revenue_split_admin may read every table and view');
    RETURN NEXT ok(has_table_privilege('revenue_split_admin', 'revenue_split.config', 'SELECT')
                   AND has_table_privilege('revenue_split_admin', 'revenue_split.config', 'INSERT')
                   AND has_table_privilege('revenue_split_admin', 'revenue_split.config', 'UPDATE')
                   AND has_table_privilege('revenue_split_admin', 'revenue_split.config', 'DELETE'),
        label || ': revenue_split_admin may read and write revenue_split.config');
    RETURN NEXT is(ARRAY(SELECT t.name || CASE WHEN has_table_privilege('revenue_split_admin', t.oid, 'INSERT') THEN '' ELSE ' no INSERT' END
                                       || CASE WHEN has_table_privilege('revenue_split_admin', t.oid, 'UPDATE') THEN ' UPDATE' ELSE '' END
                                       || CASE WHEN has_table_privilege('revenue_split_admin', t.oid, 'DELETE,TRUNCATE') THEN ' DELETE/TRUNCATE' ELSE '' END
                         FROM rs_rels t WHERE t.relkind IN ('r', 'p') AND t.name <> 'revenue_split.config' ORDER BY 1),
                   ARRAY(SELECT t.name || CASE WHEN t.name = 'revenue_split.accounts' THEN ' UPDATE' ELSE '' END
                         FROM rs_rels t WHERE t.relkind IN ('r', 'p') AND t.name <> 'revenue_split.config' ORDER BY 1),
        label || ': revenue_split_admin may append to the audit trail (runs, allocations, entries, ...) but not rewrite it; it keeps accounts current');
    RETURN NEXT is(ARRAY(SELECT t.name FROM rs_rels t WHERE CASE WHEN t.relkind = 'S' THEN NOT has_sequence_privilege('revenue_split_admin', t.oid, 'USAGE') END
                         ORDER BY 1), '{}'::text[], label || ': revenue_split_admin may use every sequence');
    RETURN NEXT ok(has_schema_privilege('revenue_split_admin', 'revenue_split', 'USAGE')
                   AND NOT has_schema_privilege('revenue_split_admin', 'revenue_split', 'CREATE'),
        label || ': revenue_split_admin has USAGE (not CREATE) on the schema revenue_split');
    RETURN NEXT is(ARRAY(SELECT f.sig FROM rs_funcs f WHERE NOT coalesce(f.proconfig @> '{row_security=off}', false) ORDER BY 1),
        '{}'::text[], label || ': every function runs with row_security = off (pg_proc.proconfig)');
END
$f$;
GRANT SELECT ON rs_funcs, rs_rels, rs_acl TO PUBLIC;

-- ==== 1. CREATE EXTENSION ... SCHEMA public, by the supabase_admin-like superuser ====
SET LOCAL ROLE rs_t33_supabase_admin;
DROP EXTENSION revenue_split;
CREATE EXTENSION revenue_split SCHEMA public;
RESET ROLE;
SELECT is((SELECT extnamespace::regnamespace::text || ' ' || extowner::regrole::text FROM pg_extension WHERE extname = 'revenue_split'),
    'public rs_t33_supabase_admin', 'public: the extension is in public, owned by the supabase_admin-like role');
SELECT * FROM pg_temp.rs_t33_check('public', '{anon,authenticated,service_role,rs_t33_postgres}');
SET LOCAL ROLE anon;
SELECT throws_ok($$SELECT * FROM public.revenue_split_units('2025-05-10')$$, '42501', NULL,
    'public: anon calling revenue_split_units is refused (42501)');
SET LOCAL ROLE authenticated;
SELECT throws_ok($$SELECT * FROM public.revenue_split_preview(100, 2025, 5)$$, '42501', NULL,
    'public: authenticated calling revenue_split_preview is refused (42501)');
RESET ROLE;

-- ==== 2. CREATE EXTENSION ... SCHEMA extensions ====
SET LOCAL ROLE rs_t33_supabase_admin;
DROP EXTENSION revenue_split;
CREATE EXTENSION revenue_split SCHEMA extensions;
RESET ROLE;
SELECT is((SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'revenue_split'), 'extensions',
    'extensions: the extension is in schema extensions');
SELECT * FROM pg_temp.rs_t33_check('extensions', '{anon,authenticated,service_role,rs_t33_postgres}');
SET LOCAL ROLE service_role;
SELECT throws_ok($$SELECT * FROM extensions.revenue_split_commit(100, 2025, 5)$$, '42501', NULL,
    'extensions: service_role (without revenue_split_admin) calling revenue_split_commit is refused (42501)');
SET LOCAL ROLE rs_t33_postgres;
SELECT throws_ok($$SELECT * FROM extensions.revenue_split_units('2025-05-10')$$, '42501', NULL,
    'extensions: postgres (without revenue_split_admin) calling revenue_split_units is refused (42501)');
SELECT throws_ok($$GRANT EXECUTE ON FUNCTION extensions.revenue_split_units(date) TO rs_t33_grantee$$, '42501', NULL,
    'extensions: postgres has no grant option left to pass EXECUTE on');
RESET ROLE;

-- ==== 3. an install that kept the default privileges (0.1.0), then ALTER EXTENSION UPDATE ====
SET LOCAL ROLE rs_t33_supabase_admin;
DROP EXTENSION revenue_split;
CREATE EXTENSION revenue_split VERSION '0.1.0' SCHEMA extensions;
RESET ROLE;
SELECT ok(has_function_privilege('anon', 'extensions.revenue_split_units(date)', 'EXECUTE')
          AND has_table_privilege('anon', 'revenue_split.config', 'UPDATE'),
    'upgrade: before, 0.1.0 left anon with EXECUTE on the functions and UPDATE on revenue_split.config');
-- postgres passes a privilege on with its grant option; a column privilege is granted directly
SET LOCAL ROLE rs_t33_postgres;
GRANT EXECUTE ON FUNCTION extensions.revenue_split_units(date) TO rs_t33_grantee;
RESET ROLE;
GRANT SELECT (app_schema) ON revenue_split.config TO rs_t33_grantee;
SELECT ok(has_function_privilege('rs_t33_grantee', 'extensions.revenue_split_units(date)', 'EXECUTE')
          AND has_column_privilege('rs_t33_grantee', 'revenue_split.config', 'app_schema', 'SELECT'),
    'upgrade: before, a role holds EXECUTE granted by postgres and a column privilege on config');
SET LOCAL ROLE rs_t33_supabase_admin;
ALTER EXTENSION revenue_split UPDATE;
RESET ROLE;
SELECT is((SELECT extversion FROM pg_extension WHERE extname = 'revenue_split'),
          (SELECT default_version FROM pg_available_extensions WHERE name = 'revenue_split'),
    'upgrade: updated to the current version');
SELECT * FROM pg_temp.rs_t33_check('upgraded', '{anon,authenticated,service_role,rs_t33_postgres,rs_t33_grantee}');
SET LOCAL ROLE rs_t33_grantee;
SELECT throws_ok($$SELECT * FROM extensions.revenue_split_units('2025-05-10')$$, '42501', NULL,
    'upgraded: the role postgres had passed EXECUTE to is refused (42501)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;

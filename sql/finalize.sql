-- Least privilege, whatever the schema and the default privileges.
--
-- After CREATE EXTENSION (and after ALTER EXTENSION UPDATE: the upgrade script ends with the
-- same two blocks) only the objects' owner and the role revenue_split_admin hold any privilege on
-- the extension's functions, tables, views, sequences and on the schema revenue_split.
-- `REVOKE ... FROM PUBLIC` is not enough: default privileges (Supabase's
-- `ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public GRANT ALL ON FUNCTIONS
-- TO anon, authenticated, service_role`, or `... IN SCHEMA extensions ... TO postgres`) grant
-- directly to roles, so every grantee found in the ACLs (aclexplode) loses everything.
-- revenue_split_admin (created if missing, NOLOGIN) then gets what running the functions needs;
-- grant it to the roles that preview or pay, e.g. `GRANT revenue_split_admin TO service_role;`.
-- The functions are SECURITY INVOKER: the caller also needs its own privileges on the
-- application tables (see README "Security").
--
-- Every function also runs with row_security = off (SPEC §1): a read of an application table
-- that row-level security applies to for the caller fails with 42501 instead of paying from
-- the rows a policy lets through. (PostgreSQL refuses such a table before looking at its
-- policies: even a USING (true) policy does not help; BYPASSRLS or ownership does.)
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'revenue_split_admin') THEN
        CREATE ROLE revenue_split_admin NOLOGIN;
    END IF;
END
$$;

DO $$
DECLARE
    ext_owner oid;
    -- Every member function, every table/view/sequence (members, and anything else in the schema
    -- revenue_split), and the schema revenue_split itself, with every grantee of their ACLs
    -- (column privileges included).
    targets   text := $q$
        SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END AS kind,
               p.oid::pg_catalog.regprocedure::text AS name, p.proowner AS owner, NULL::"char" AS relkind,
               ARRAY(SELECT DISTINCT a.grantee FROM pg_catalog.aclexplode(p.proacl) a) AS grantees
        FROM pg_catalog.pg_depend d
        JOIN pg_catalog.pg_proc p ON p.oid = d.objid
        WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
          AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'revenue_split')
          AND d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.deptype = 'e'
        UNION ALL
        SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
               c.oid::pg_catalog.regclass::text, c.relowner, c.relkind,
               ARRAY(SELECT a.grantee FROM pg_catalog.aclexplode(c.relacl) a
                     UNION
                     SELECT ca.grantee FROM pg_catalog.pg_attribute att, pg_catalog.aclexplode(att.attacl) ca
                     WHERE att.attrelid = c.oid AND att.attacl IS NOT NULL)
        FROM pg_catalog.pg_class c
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
          AND (c.relnamespace = 'revenue_split'::pg_catalog.regnamespace
               OR EXISTS (SELECT FROM pg_catalog.pg_depend d
                          WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
                            AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'revenue_split')
                            AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid
                            AND d.deptype = 'e'))
        UNION ALL
        SELECT 'SCHEMA', pg_catalog.quote_ident(n.nspname), n.nspowner, NULL,
               ARRAY(SELECT DISTINCT a.grantee FROM pg_catalog.aclexplode(n.nspacl) a)
        FROM pg_catalog.pg_namespace n
        WHERE n.nspname = 'revenue_split'
        ORDER BY 1, 2
    $q$;
    obj       record;
    grantee   oid;
    leftover  text := '';
BEGIN
    SELECT e.extowner INTO ext_owner FROM pg_catalog.pg_extension e WHERE e.extname = 'revenue_split';

    -- 1. Nobody but the owner keeps anything (revenue_split_admin included: it gets exactly its
    --    privileges back below, so a fresh and an upgraded install end up identical).
    FOR obj IN EXECUTE targets LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON %s %s FROM PUBLIC', obj.kind, obj.name);
        FOREACH grantee IN ARRAY obj.grantees LOOP
            IF grantee <> 0 AND grantee <> obj.owner AND grantee <> ext_owner THEN
                EXECUTE pg_catalog.format('REVOKE ALL ON %s %s FROM %s CASCADE',
                                          obj.kind, obj.name, grantee::pg_catalog.regrole);
            END IF;
        END LOOP;
        IF obj.kind IN ('FUNCTION', 'PROCEDURE') THEN
            -- SPEC §1: reads never run under a row-level security policy.
            EXECUTE pg_catalog.format('ALTER %s %s SET row_security = off', obj.kind, obj.name);
        END IF;
    END LOOP;

    -- 2. What revenue_split_admin needs: run every function, read everything, append to the audit
    --    trail (runs, allocations, entries and every other table the functions write), keep the
    --    per-creator totals (accounts) current, manage the config.
    GRANT USAGE ON SCHEMA revenue_split TO revenue_split_admin;
    FOR obj IN EXECUTE targets LOOP
        IF obj.kind IN ('FUNCTION', 'PROCEDURE') THEN
            EXECUTE pg_catalog.format('GRANT EXECUTE ON %s %s TO revenue_split_admin', obj.kind, obj.name);
        ELSIF obj.kind = 'SEQUENCE' THEN
            EXECUTE pg_catalog.format('GRANT USAGE ON SEQUENCE %s TO revenue_split_admin', obj.name);
        ELSIF obj.kind = 'TABLE' AND obj.relkind IN ('v', 'm') THEN
            EXECUTE pg_catalog.format('GRANT SELECT ON TABLE %s TO revenue_split_admin', obj.name);
        ELSIF obj.kind = 'TABLE' AND obj.name = 'revenue_split.config' THEN
            EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %s TO revenue_split_admin', obj.name);
        ELSIF obj.kind = 'TABLE' AND obj.name = 'revenue_split.accounts' THEN
            -- running totals that every commit upserts (INSERT ... ON CONFLICT DO UPDATE)
            EXECUTE pg_catalog.format('GRANT SELECT, INSERT, UPDATE ON TABLE %s TO revenue_split_admin', obj.name);
        ELSIF obj.kind = 'TABLE' THEN
            -- the audit trail (runs, allocations, entries, ...) is append-only: no UPDATE, no DELETE
            EXECUTE pg_catalog.format('GRANT SELECT, INSERT ON TABLE %s TO revenue_split_admin', obj.name);
        END IF;
    END LOOP;

    -- 3. Prove it: no grantee but the owner and revenue_split_admin is left anywhere.
    FOR obj IN EXECUTE targets LOOP
        FOREACH grantee IN ARRAY obj.grantees LOOP
            IF grantee NOT IN (obj.owner, ext_owner, 'revenue_split_admin'::pg_catalog.regrole) THEN
                leftover := leftover || pg_catalog.format(' %s %s to %s;', obj.kind, obj.name,
                    CASE grantee WHEN 0 THEN 'PUBLIC' ELSE grantee::pg_catalog.regrole::text END);
            END IF;
        END LOOP;
    END LOOP;
    IF leftover <> '' THEN
        RAISE EXCEPTION 'revenue_split: privileges left after revoking:%', leftover
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

-- Least privilege. Nothing of revenue_split is usable by PUBLIC (on Supabase that includes
-- anon and authenticated). The role revenue_split_admin (created if missing, NOLOGIN) gets
-- what running the functions needs; grant it to the roles that preview or pay, e.g.
--   GRANT revenue_split_admin TO service_role;
-- The functions are SECURITY INVOKER: the caller also needs its own privileges on the
-- application tables (see README "Security").
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'revenue_split_admin') THEN
        CREATE ROLE revenue_split_admin NOLOGIN;
    END IF;
END
$$;

REVOKE ALL ON SCHEMA revenue_split FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA revenue_split FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA revenue_split FROM PUBLIC;
GRANT USAGE ON SCHEMA revenue_split TO revenue_split_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON revenue_split.config TO revenue_split_admin;
GRANT SELECT, INSERT ON revenue_split.runs, revenue_split.allocations TO revenue_split_admin;
GRANT SELECT ON revenue_split.creator_payouts TO revenue_split_admin;
GRANT USAGE ON SEQUENCE revenue_split.runs_run_id_seq TO revenue_split_admin;

-- Only this extension's functions, wherever CREATE EXTENSION put them.
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN
        SELECT d.objid::regprocedure
        FROM pg_catalog.pg_depend d
        WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass
          AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'revenue_split')
          AND d.classid = 'pg_catalog.pg_proc'::regclass
          AND d.deptype = 'e'
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO revenue_split_admin', f);
    END LOOP;
END
$$;

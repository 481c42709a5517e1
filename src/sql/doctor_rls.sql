-- Row-level security on the application tables $2 (text[]) of schema $1, and who it filters.
-- One row per such table with RLS enabled and per payout role: every member of
-- revenue_split_admin (directly or through other roles) and the current user. `bypass` says
-- why the role reads every row -- superuser, BYPASSRLS, or owner (having the privileges of the
-- table's owner, which FORCE ROW LEVEL SECURITY takes away) -- or is NULL when the policies
-- would filter it: the functions run with row_security = off, so they refuse with 42501.
WITH RECURSIVE members AS (
    SELECT m.member AS oid
    FROM pg_catalog.pg_auth_members m
    JOIN pg_catalog.pg_roles a ON a.oid OPERATOR(pg_catalog.=) m.roleid
    WHERE a.rolname OPERATOR(pg_catalog.=) 'revenue_split_admin'
    UNION
    SELECT m.member
    FROM pg_catalog.pg_auth_members m
    JOIN members s ON m.roleid OPERATOR(pg_catalog.=) s.oid
), payout_roles AS (
    SELECT oid FROM members
    UNION
    SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER
), rls_tables AS (
    SELECT c.relname::text AS name, c.relowner, c.relforcerowsecurity AS forced, t.ord
    FROM pg_catalog.unnest($2::text[]) WITH ORDINALITY AS t(name, ord)
    JOIN pg_catalog.pg_class c ON c.relname OPERATOR(pg_catalog.=) t.name
    JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
    WHERE n.nspname OPERATOR(pg_catalog.=) $1
      AND c.relrowsecurity
)
SELECT t.name, t.forced, r.rolname::text,
       CASE WHEN r.rolsuper THEN 'superuser'
            WHEN r.rolbypassrls THEN 'BYPASSRLS'
            WHEN NOT t.forced AND pg_catalog.pg_has_role(r.oid, t.relowner, 'USAGE') THEN 'owner'
       END AS bypass
FROM rls_tables t
CROSS JOIN payout_roles p
JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) p.oid
ORDER BY t.ord, r.rolname

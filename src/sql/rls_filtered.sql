-- The application tables $2 (text[]) of schema $1 that row-level security would filter for
-- the current role (enabled and not bypassed: not superuser, not BYPASSRLS, not the owner
-- of a table without FORCE). revenue_split refuses those rather than pay from a subset.
SELECT t.name
FROM pg_catalog.unnest($2::text[]) WITH ORDINALITY AS t(name, ord)
WHERE pg_catalog.row_security_active(pg_catalog.format('%I.%I', $1, t.name))
ORDER BY t.ord

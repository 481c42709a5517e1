-- The configuration row as JSON (no row: every SPEC default).
SELECT pg_catalog.to_jsonb(c)::text FROM revenue_split.config c

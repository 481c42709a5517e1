-- Serializes commits of one run key (kind/period_start/payment_type) until the transaction ends.
SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended($1, 0))

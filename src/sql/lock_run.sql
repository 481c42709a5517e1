-- Serializes runs until the transaction ends: $1 names a run key (commits and corrections of
-- one key), or the owed ledger (every run that writes it: what one run pays from owed money
-- must be what the next one reads).
SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended($1, 0))

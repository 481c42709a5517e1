-- The transactions rows an adopted run counted as paid ($1 run, $2 int8[] their ids). The
-- primary key refuses a row adopted twice.
INSERT INTO revenue_split.adopted_rows (transaction_id, run_id)
SELECT i.id, $1 FROM pg_catalog.unnest($2::int8[]) AS i(id)

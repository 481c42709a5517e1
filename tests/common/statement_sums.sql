-- Statements add up (SPEC §10), on whatever data set is loaded: inside a transaction that is
-- rolled back, commit every month that has events (pool: the setting rs.pool) and every day of the first
-- such month (pool 10,007), then check that each creator's statement rows sum exactly to
-- what it earned in the run, and each run's statement to its allocated_cents. Raises (and
-- psql with ON_ERROR_STOP exits non-zero) on the first mismatch; prints one summary line.
--   psql -v ON_ERROR_STOP=1 -c "SET rs.pool = 10000000" -f tests/common/statement_sums.sql
BEGIN;
SET LOCAL client_min_messages = warning;
DO $$
DECLARE
    m date;
    d date;
    r record;
    runs int := 0;
    rows_checked bigint := 0;
    bad record;
BEGIN
    FOR m IN SELECT DISTINCT date_trunc('month', ts AT TIME ZONE 'UTC')::date FROM public.event
             WHERE isfinite(ts) AND ts < date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
             ORDER BY 1 LOOP
        PERFORM * FROM revenue_split_commit(current_setting('rs.pool')::bigint,
                                            extract(year FROM m)::int, extract(month FROM m)::int);
    END LOOP;
    SELECT min(date_trunc('month', ts AT TIME ZONE 'UTC'))::date INTO m FROM public.event WHERE isfinite(ts);
    IF m IS NOT NULL THEN
        FOR d IN SELECT generate_series(m, (m + interval '1 month' - interval '1 day')::date, '1 day')::date LOOP
            PERFORM * FROM revenue_split_run(10007, d, 'statement_check');
        END LOOP;
    END IF;
    FOR r IN SELECT run_id, allocated_cents FROM revenue_split.runs ORDER BY run_id LOOP
        runs := runs + 1;
        SELECT a.creator_id, a.amount_cents, coalesce(s.total, 0) AS total, s.n INTO bad
        FROM revenue_split.allocations a
        LEFT JOIN (SELECT creator_id, sum(amount_cents) AS total, count(*) AS n
                   FROM revenue_split_statement(r.run_id) GROUP BY creator_id) s USING (creator_id)
        WHERE a.run_id = r.run_id AND a.amount_cents <> coalesce(s.total, 0)
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'run %: creator % earned % but its statement sums to %', r.run_id, bad.creator_id, bad.amount_cents, bad.total;
        END IF;
        IF (SELECT coalesce(sum(amount_cents), 0) FROM revenue_split_statement(r.run_id)) <> r.allocated_cents THEN
            RAISE EXCEPTION 'run %: statement total differs from allocated_cents %', r.run_id, r.allocated_cents;
        END IF;
        rows_checked := rows_checked + (SELECT count(*) FROM revenue_split_statement(r.run_id));
    END LOOP;
    RAISE WARNING 'statements add up: % runs, % statement rows', runs, rows_checked;
END
$$;
ROLLBACK;

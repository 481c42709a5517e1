-- pg_cron jobs (cron.job, in the database where pg_cron is installed) that call
-- revenue_split_commit (monthly) or revenue_split_run (daily), in whichever database they run:
-- `cron.schedule` runs a job in the cron database itself, `cron.schedule_in_database` in the
-- one named in cron.job.database. `payout_role` says whether the job's user may call the
-- functions (a member of revenue_split_admin, or a superuser); NULL when the role is gone.
SELECT j.jobid::int8,
       j.schedule::text,
       j.database::text,
       j.username::text,
       j.active,
       pg_catalog.strpos(j.command, 'revenue_split_commit') OPERATOR(pg_catalog.>) 0 AS monthly,
       pg_catalog.strpos(j.command, 'revenue_split_run') OPERATOR(pg_catalog.>) 0 AS daily,
       j.database OPERATOR(pg_catalog.=) pg_catalog.current_database() AS here,
       pg_catalog.pg_has_role(r.oid, a.oid, 'USAGE') AS payout_role
FROM cron.job j
LEFT JOIN pg_catalog.pg_roles r ON r.rolname OPERATOR(pg_catalog.=) j.username
LEFT JOIN pg_catalog.pg_roles a ON a.rolname OPERATOR(pg_catalog.=) 'revenue_split_admin'
WHERE pg_catalog.strpos(j.command, 'revenue_split_commit') OPERATOR(pg_catalog.>) 0
   OR pg_catalog.strpos(j.command, 'revenue_split_run') OPERATOR(pg_catalog.>) 0
ORDER BY j.jobid

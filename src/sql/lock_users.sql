-- Row-locks the paid creators' users rows in id order ($1 int8[]). NO KEY UPDATE: balances change,
-- keys do not, so other sessions' foreign-key checks against users are not blocked.
SELECT u.id::int8
FROM @app@.users u
WHERE u.id OPERATOR(pg_catalog.=) ANY ($1::int8[])
ORDER BY u.id
FOR NO KEY UPDATE

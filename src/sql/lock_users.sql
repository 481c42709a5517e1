-- Row-locks the paid creators' users rows in id order ($1 int8[]).
SELECT u.id
FROM @app@.users u
WHERE u.id OPERATOR(pg_catalog.=) ANY ($1::int8[])
ORDER BY u.id
FOR UPDATE

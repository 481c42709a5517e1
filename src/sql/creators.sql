-- The users rows of the creators of a lookup (see `signals::lookup`): @match@ is either a
-- range of u.id ($1, $2: the ids' span, filtered by the reader) or u.id = ANY of the list $1.
-- The trust score travels as text so that any numeric (NaN, Infinity, 1e1000) reaches Rust
-- without a float8 overflow error.
SELECT u.id::int8, u.kyc_level::int8, u.creator_trust_score::text, u.likely_bot IS TRUE
FROM @app@.users u
WHERE @match@

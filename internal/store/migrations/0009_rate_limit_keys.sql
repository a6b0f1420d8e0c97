-- Rate-limit buckets are kept as keyed hashes from now on (internal/ratelimit):
-- rows written before held them as callers named them, which could include an
-- e-mail address as typed or a client's IP address. They are only counters
-- for windows of an hour or less, so they are dropped rather than rewritten.
DELETE FROM rate_limits;

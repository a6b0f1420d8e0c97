-- Version 13 belongs to key rotation and backups (the security issue),
-- which need no table: a sealed value's first bytes name the key that
-- sealed it, so the data itself says how far a rotation has come. The
-- version stays, empty, so versions run in order with no gaps.
SELECT 1;

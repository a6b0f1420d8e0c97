-- Version 13 belongs to key rotation and backups (the security issue). It
-- changes nothing yet: versions run in order with no gaps, and the versions
-- after it landed first.
SELECT 1;

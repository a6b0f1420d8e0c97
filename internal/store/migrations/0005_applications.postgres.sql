-- PostgreSQL only, after 0005_applications.sql.
-- Sealed values are random to the compressor: storing them EXTERNAL skips a
-- compression attempt on every megabyte written.
ALTER TABLE application_file_contents ALTER COLUMN content SET STORAGE EXTERNAL;
ALTER TABLE application_drafts ALTER COLUMN answers SET STORAGE EXTERNAL;
ALTER TABLE applications ALTER COLUMN answers SET STORAGE EXTERNAL;

-- The engine's full-text vector is no longer searched.
DROP INDEX dir_service_docs_tsv;
ALTER TABLE dir_service_docs DROP COLUMN tsv;

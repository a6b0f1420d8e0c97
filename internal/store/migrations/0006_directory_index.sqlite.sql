-- The engine's full-text index is no longer searched.
DROP TRIGGER dir_services_fts_insert;
DROP TRIGGER dir_services_fts_delete;
DROP TRIGGER dir_services_fts_update;
DROP TABLE dir_services_fts;

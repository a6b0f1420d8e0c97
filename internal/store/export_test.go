package store

// MigrationsFor exposes the loader to the tests with their own files.
var MigrationsFor = migrationsFor

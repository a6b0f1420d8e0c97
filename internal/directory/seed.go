package directory

import (
	"bytes"
	"context"
	"fmt"

	"github.com/psu-project/psu/internal/directory/seed"
	"github.com/psu-project/psu/internal/store"
)

// SeedSource is how the embedded seed is named in the import log.
const SeedSource = "embedded seed"

// LoadSeed loads the embedded directory and synonym map the first time psu
// starts on a database: the directory when nothing has ever been imported,
// the synonyms when the map is empty. It reports whether it loaded the
// directory. Several instances starting at once load it once.
func LoadSeed(ctx context.Context, db *store.DB) (bool, error) {
	loaded := false
	err := db.Tx(ctx, func(tx *store.Tx) error {
		im, err := newImporter(ctx, tx, store.Now()) // takes the import lock
		if err != nil {
			return err
		}
		var imports, needs int
		if err := store.Scan(tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM dir_imports), (SELECT COUNT(*) FROM dir_synonym_needs)`), &imports, &needs); err != nil {
			return err
		}
		if needs == 0 {
			syn, err := ParseSynonyms(seed.Synonyms)
			if err != nil {
				return err
			}
			if err := ReplaceSynonyms(ctx, tx, syn); err != nil {
				return err
			}
		}
		if imports > 0 {
			return nil
		}
		d, err := ReadDataset(bytes.NewReader(seed.Directory))
		if err != nil {
			return fmt.Errorf("the embedded seed: %w", err)
		}
		if err := im.run(d); err != nil {
			return err
		}
		loaded = true
		return im.log(SeedSource)
	})
	if err == nil && loaded {
		err = analyze(ctx, db)
	}
	if err != nil {
		return false, fmt.Errorf("directory: load seed: %w", err)
	}
	return loaded, nil
}

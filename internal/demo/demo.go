// Package demo says whether a database holds psu demo's made-up data, so
// staff pages can say so. The data itself is made by internal/demo/fill
// (psu demo); this package stays small, importing only the settings it
// reads, so any page can ask.
package demo

import (
	"context"

	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
)

// Key is the unit setting psu demo sets to "true" in the transaction that
// creates its staff accounts; nothing else sets it, and nothing unsets it.
const Key = "demo"

// IsDemo reports whether the database was filled by psu demo: its cases,
// applications and staff are made up.
func IsDemo(ctx context.Context, q store.Querier) (bool, error) {
	v, err := settings.Get(ctx, q, Key, "")
	return v == "true", err
}

package plans_test

import (
	"testing"

	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// A written summary names the unit as it named itself at
// /admin/settings/unit, unless it chose a name for summaries.
func TestSummaryNamesTheUnit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		set := func(k, v string) {
			if err := db.Tx(ctx, func(tx *store.Tx) error { return settings.Set(ctx, tx, k, v, "") }); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct{ key, value, want string }{
			{"", "", plans.DefaultUnitName},
			{settings.KeyUnitName, "Example Support Unit", "Example Support Unit"},
			{plans.KeyUnitName, "Example PSU", "Example PSU"},
		} {
			if c.key != "" {
				set(c.key, c.value)
			}
			if got, err := plans.UnitName(ctx, db); err != nil || got != c.want {
				t.Errorf("after %s = %q: %q (%v), want %q", c.key, c.value, got, err, c.want)
			}
		}
	})
}

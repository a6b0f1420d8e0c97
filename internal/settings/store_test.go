package settings_test

import (
	"context"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/workdays"
)

// Two uploads at once, of lists that share dates, both succeed: the second
// waits for the first and then replaces it whole. Run twice: when no list
// has been uploaded yet (the settings row is new) and when one has.
func TestConcurrentUploadsDoNotCollide(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		first := []workdays.Holiday{{Date: "2031-01-01", Title: "New Year’s Day"}, {Date: "2031-12-25", Title: "Christmas Day"}}
		second := []workdays.Holiday{{Date: "2031-01-01", Title: "New Year’s Day"}, {Date: "2031-05-05", Title: "Early May bank holiday"}}
		for round := 0; round < 2; round++ {
			loaded, release := make(chan struct{}), make(chan struct{})
			firstDone := make(chan error, 1)
			go func() {
				firstDone <- db.Tx(ctx, func(tx *store.Tx) error {
					err := settings.LoadHolidays(ctx, tx, first, "")
					close(loaded)
					<-release
					return err
				})
			}()
			<-loaded
			secondDone := make(chan error, 1)
			go func() {
				secondDone <- db.Tx(ctx, func(tx *store.Tx) error { return settings.LoadHolidays(ctx, tx, second, "") })
			}()
			time.Sleep(200 * time.Millisecond) // let the second reach the first's locks
			close(release)
			if err := <-firstDone; err != nil {
				t.Fatalf("round %d, first upload: %v", round, err)
			}
			if err := <-secondDone; err != nil {
				t.Fatalf("round %d, second upload: %v", round, err)
			}
			if got := holidaysNow(t, db); !sameHolidays(got, second) {
				t.Fatalf("round %d: holidays in use %v, want the second upload's", round, got)
			}
		}
		l, err := settings.HolidaysInUse(ctx, db)
		if err != nil || !l.Uploaded || l.LoadedAt.IsZero() {
			t.Errorf("HolidaysInUse = %+v, %v", l, err)
		}
		if err := db.Tx(ctx, func(tx *store.Tx) error { return settings.UseShippedHolidays(ctx, tx, "") }); err != nil {
			t.Fatal(err)
		}
		if l, err := settings.HolidaysInUse(ctx, db); err != nil || l.Uploaded || !l.LoadedAt.IsZero() || !sameHolidays(l.Holidays, workdays.Shipped()) {
			t.Errorf("after going back, HolidaysInUse = %+v, %v", l, err)
		}
	})
}

package reports

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// addCase writes a bare case row: only what reports read is meaningful.
func addCase(t *testing.T, db *store.DB, n *int, status, profession string, opened time.Time) {
	t.Helper()
	*n++
	_, err := db.ExecContext(context.Background(), `INSERT INTO cases (id, reference, status, status_at, opened_at,
		profession, email_blind, key_sealed, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		fmt.Sprintf("c%d", *n), fmt.Sprintf("PSU-%d", *n), status, opened, opened, profession, fmt.Sprintf("b%d", *n), []byte{1}, opened)
	if err != nil {
		t.Fatal(err)
	}
}

func TestCountHandCounted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n := 0
		jan := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
		feb := time.Date(2026, 2, 27, 23, 0, 0, 0, time.UTC)
		add := func(k int, prof string, at time.Time) {
			for range k {
				addCase(t, db, &n, "new", prof, at)
			}
		}
		// Counted by hand:   Jan  Feb
		//   Doctor            12    3
		//   Nurse              7    6
		//   Pharmacist         0    9
		//   (a programme typed under "other", one case: pooled)
		add(12, "Doctor", jan)
		add(3, "Doctor", feb)
		add(7, "Nurse", jan)
		add(6, "Nurse", feb)
		add(9, "Pharmacist", feb)
		add(1, "=Tropical medicine HSST", jan)
		// Not counted: a merged case and one opened after the range.
		addCase(t, db, &n, "merged", "Doctor", jan)
		addCase(t, db, &n, "new", "Doctor", time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))

		th, err := Threshold(ctx, db)
		if err != nil || th != DefaultThreshold {
			t.Fatalf("threshold %d, %v", th, err)
		}
		g, err := NewKeeper().Count(ctx, db, DimensionBySlug("profession"), Filter{}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), th)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"Doctor", "Nurse", "Pharmacist", OtherLabel}; strings.Join(g.Rows, "|") != strings.Join(want, "|") {
			t.Fatalf("rows %q, want %q", g.Rows, want)
		}
		if g.Cols[0] != "Jan 2026" || g.Cols[1] != "Feb 2026" || len(g.Cols) != 2 {
			t.Fatalf("cols %q", g.Cols)
		}
		want := [][]int{{12, 3}, {7, 6}, {0, 9}, {1, 0}}
		for i := range want {
			for j := range want[i] {
				if g.Cells[i][j].Value != want[i][j] {
					t.Errorf("%s %s = %d, want %d", g.Rows[i], g.Cols[j], g.Cells[i][j].Value, want[i][j])
				}
			}
		}
		if g.Total.Value != 38 || g.Total.Hidden {
			t.Errorf("total %+v, want 38 shown", g.Total)
		}
		if !g.Cells[0][1].Hidden || !g.Cells[3][0].Hidden || !g.RowTotals[3].Hidden {
			t.Errorf("small counts shown: %+v", g)
		}
		if recoverable(t, g) {
			t.Fatalf("a hidden count can be worked out from what is shown: %+v", g)
		}

		// An administrator's threshold is honoured, never under 3.
		for _, c := range []struct {
			set  string
			want int
		}{{"10", 10}, {"2", 3}, {"nonsense", DefaultThreshold}} {
			if err := db.Tx(ctx, func(tx *store.Tx) error { return settings.Set(ctx, tx, KeyThreshold, c.set, "") }); err != nil {
				t.Fatal(err)
			}
			if th, err := Threshold(ctx, db); err != nil || th != c.want {
				t.Errorf("threshold set to %q reads %d, %v; want %d", c.set, th, err, c.want)
			}
		}
	})
}

package reports

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

func addLoadCase(t *testing.T, db *store.DB, n *int, status, adviser string, opened, closed time.Time) {
	t.Helper()
	*n++
	id := fmt.Sprintf("l%d", *n)
	var who any
	if adviser != "" {
		who = adviser
	}
	statusAt := opened
	if !closed.IsZero() {
		statusAt = closed
	}
	var closedAt any
	if status == "closed" {
		closedAt = closed
	}
	if _, err := db.ExecContext(context.Background(), `INSERT INTO cases (id, reference, status, status_at, opened_at, closed_at,
		assigned_to, email_blind, key_sealed, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, "PSU-"+id, status, statusAt, opened, closedAt, who, "b"+id, []byte{1}, opened); err != nil {
		t.Fatal(err)
	}
}

func TestCaseloadAndClosureHandCounted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		addUser(t, db, "ann", "Ann Adviser")
		addUser(t, db, "bob", "Bob Adviser")
		n := 0
		d := func(m time.Month, day int) time.Time { return time.Date(2026, m, day, 10, 0, 0, 0, time.UTC) }
		add := func(k int, status, adviser string, opened, closed time.Time) {
			for range k {
				addLoadCase(t, db, &n, status, adviser, opened, closed)
			}
		}
		// Range: 1 January to 31 March 2026; its last month March.
		//                          open at end  new in March  ended in range
		//   Ann: 6 open since Dec       6            0             0
		//        5 opened in March      5            5             0
		//        7 closed in Feb (opened 1 Jan, 40 days)          7
		//   Bob: 4 open, opened Feb     4            0             0
		//        2 withdrawn in March                              2
		//        1 closed in April (after the range): open at end  1
		//   none: 3 new in March        3            3             0
		// Not counted: one closed in December, one merged.
		add(6, "contacted", "ann", d(time.January, 1).AddDate(0, -1, 0), time.Time{})
		add(5, "new", "ann", d(time.March, 3), time.Time{})
		add(7, "closed", "ann", d(time.January, 1), d(time.February, 10))
		add(4, "contacted", "bob", d(time.February, 2), time.Time{})
		add(2, "withdrawn", "bob", d(time.February, 2), d(time.March, 4))
		add(1, "closed", "bob", d(time.February, 2), d(time.April, 4))
		add(3, "new", "", d(time.March, 20), time.Time{})
		add(1, "closed", "ann", d(time.January, 1).AddDate(0, -2, 0), d(time.January, 1).AddDate(0, 0, -5))
		add(1, "merged", "ann", d(time.March, 3), time.Time{})

		from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		c, err := NewKeeper().CountCaseload(ctx, db, Filter{}, from, to, 5)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][3]int{"Ann Adviser": {11, 5, 7}, "Bob Adviser": {5, 0, 2}, NoAdviser: {3, 3, 0}}
		if len(c.Advisers) != 3 || c.Advisers[2] != NoAdviser {
			t.Fatalf("advisers %q", c.Advisers)
		}
		for i, a := range c.Advisers {
			got := [3]int{c.Open.Cells[i][0].Value, c.New.Cells[i][0].Value, c.Ended.Cells[i][0].Value}
			if got != want[a] {
				t.Errorf("%s: %v, want %v", a, got, want[a])
			}
		}
		if c.Open.Total.Value != 19 || c.New.Total.Value != 8 || c.Ended.Total.Value != 9 || c.NewMonth != "Mar 2026" {
			t.Errorf("totals %d %d %d %s", c.Open.Total.Value, c.New.Total.Value, c.Ended.Total.Value, c.NewMonth)
		}
		for _, g := range []Grid{c.Open, c.New, c.Ended} {
			if recoverable(t, g) {
				t.Errorf("a hidden count can be worked out: %+v", g)
			}
		}
		// Shown: Ann's 11 open; hidden: the 3 without an adviser (and so
		// one more beside it); Bob's 2 ended, so Ann's 7 too.
		tb := c.Table(5)
		if tb.Rows[0][1] != "11" || tb.Rows[2][1] != "fewer than 5" || tb.Rows[1][3] != "fewer than 5" || tb.Rows[0][3] == "7" {
			t.Errorf("caseload as shown %q", tb.Rows)
		}

		cl, err := NewKeeper().CountClosure(ctx, db, Filter{}, from, to, 5)
		if err != nil {
			t.Fatal(err)
		}
		// Closed in the range: 7 in February, each 40 days.
		if cl.Grid.Cells[1][0].Value != 7 || cl.Grid.Cells[0][0].Value != 0 || cl.Grid.Total.Value != 7 {
			t.Errorf("closure %+v", cl.Grid.Cells)
		}
		if cl.Median[1] != "40.0" || cl.P90[1] != "40.0" || cl.Median[0] != NotShown {
			t.Errorf("closure days %q %q", cl.Median, cl.P90)
		}
	})
}

package reports

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// everything is every report over [from, to) at now, as text.
func everything(t *testing.T, k *Keeper, db store.Querier, fl Filter, from, to, now time.Time) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, d := range Dimensions {
		g, err := k.Count(ctx, db, d, fl, from, to, 3)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %+v\n", d.Slug, g)
	}
	for _, tg := range Targets {
		for _, per := range Pers {
			tt, err := k.CountTarget(ctx, db, tg, per, fl, from, to, now, 3)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s/%s %+v %v %v %v\n", tg.Slug, per.Slug, tt.Grid, tt.Share, tt.Median, tt.P90)
		}
	}
	c, err := k.CountCaseload(ctx, db, fl, from, to, 3)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := k.CountClosure(ctx, db, fl, from, to, 3)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "caseload %+v\nclosure %+v\n", c, cl)
	return b.String()
}

// TestKeptFiguresFollowEveryChange keeps one Keeper across a series of
// changes, each of the kind real use makes, and checks after each that
// what it shows is what counting afresh shows, and that the change did
// change a report (so the check is not of two stale copies).
func TestKeptFiguresFollowEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		addUser(t, db, "ann", "Ann Adviser")
		addUser(t, db, "bob", "Bob Adviser")
		n := 0
		jan := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
		feb := time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
		day := 24 * time.Hour
		for i := range 4 {
			addTargetCase(t, db, &n, targetFixture{status: "booked", adviser: "ann", submitted: jan, responded: jan.Add(2 * day),
				appointment: jan.Add(time.Duration(5+i) * day), apptStatus: "attended", summary: jan.Add(20 * day)})
			addTargetCase(t, db, &n, targetFixture{status: "contacted", adviser: "bob", submitted: feb, responded: feb.Add(3 * day)})
		}
		from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		k := NewKeeper()
		last := everything(t, k, db, Filter{}, from, to, now)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		mar := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		for _, step := range []struct {
			name   string
			change func()
		}{
			{"a new application", func() {
				addTargetCase(t, db, &n, targetFixture{status: "new", adviser: "bob", submitted: feb})
			}},
			{"a case closed in a later month", func() {
				exec(`UPDATE cases SET status = 'closed', status_at = ?, closed_at = ?, outcome = 'Back on track' WHERE id = 't1'`, mar, mar)
			}},
			{"a case given to another adviser", func() {
				exec(`UPDATE cases SET assigned_to = 'bob' WHERE id = 't3'`)
			}},
			{"a profession recorded", func() {
				exec(`UPDATE cases SET profession = 'dentist', region = 'london' WHERE id = 't2'`)
			}},
			{"what is happening added", func() {
				exec(`INSERT INTO case_topics (case_id, topic, opened_at) VALUES ('t5', 'exams', ?)`, jan)
			}},
			{"first contact made", func() {
				exec(`UPDATE cases SET status = 'contacted', responded_at = ? WHERE id = 't9'`, feb.Add(9*day))
			}},
			{"an appointment booked", func() {
				exec(`INSERT INTO appointments (id, case_id, adviser_id, starts_at, minutes, how, status, created_at, updated_at)
					VALUES ('ax', 't4', 'bob', ?, 60, 'phone', 'attended', ?, ?)`, feb.Add(20*day), feb, feb)
			}},
			{"a first session cancelled", func() {
				exec(`UPDATE appointments SET status = 'cancelled' WHERE id = 'at3'`)
			}},
			{"a summary issued", func() {
				exec(`INSERT INTO summaries (id, case_id, version, issued_at, content, pdf) VALUES ('sx', 't4', 1, ?, ?, ?)`, mar, []byte{1}, []byte{1})
			}},
			{"a summary removed", func() {
				exec(`DELETE FROM summaries WHERE id = 'st5'`)
			}},
			{"cases merged", func() {
				exec(`UPDATE cases SET status = 'merged', merged_into = 't2' WHERE id = 't6'`)
			}},
		} {
			step.change()
			got := everything(t, k, db, Filter{}, from, to, now)
			want := everything(t, NewKeeper(), db, Filter{}, from, to, now)
			if got != want {
				t.Fatalf("after %s, the kept figures differ from a fresh count:\nkept:\n%s\nfresh:\n%s", step.name, got, want)
			}
			if got == last {
				t.Fatalf("%s changed no report: the step tests nothing", step.name)
			}
			last = got
			// Filtered views are kept from the same months.
			if got, want := everything(t, k, db, Filter{By: "profession", Value: "dentist"}, from, to, now),
				everything(t, NewKeeper(), db, Filter{By: "profession", Value: "dentist"}, from, to, now); got != want {
				t.Fatalf("after %s, the kept filtered figures differ:\n%s\n%s", step.name, got, want)
			}
		}
	})
}

// TestKeptTargetsFollowTheClock checks that a case still within its time
// is left out while it waits and counted as not met once its time has
// passed, with nothing in the database changed between the two.
func TestKeptTargetsFollowTheClock(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		addUser(t, db, "ann", "Ann Adviser")
		n := 0
		feb := time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
		for range 3 {
			addTargetCase(t, db, &n, targetFixture{status: "new", adviser: "ann", submitted: feb}) // due 16 February
		}
		from, to := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		k := NewKeeper()
		for _, c := range []struct {
			now    time.Time
			notMet int
		}{
			{feb.Add(24 * time.Hour), 0},
			{feb.AddDate(0, 0, 14).Add(-time.Minute), 0},
			{feb.AddDate(0, 0, 14).Add(time.Minute), 3},
		} {
			tt, err := k.CountTarget(ctx, db, TargetBySlug("response"), PerBySlug("month"), Filter{}, from, to, c.now, 3)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.Grid.ColTotals[1].Value; got != c.notMet {
				t.Errorf("at %s: %d not met, want %d", c.now, got, c.notMet)
			}
		}
	})
}

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

// targetFixture is a case as the target reports read it.
type targetFixture struct {
	status                    string
	adviser                   string // user id, or ""
	submitted, responded, due time.Time
	paused                    bool
	appointment               time.Time // first appointment, if any
	apptStatus                string
	summary                   time.Time // first summary, if any
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func addTargetCase(t *testing.T, db *store.DB, n *int, f targetFixture) {
	t.Helper()
	ctx := context.Background()
	*n++
	id := fmt.Sprintf("t%d", *n)
	var adviser, paused any
	if f.adviser != "" {
		adviser = f.adviser
	}
	if f.paused {
		paused = f.submitted.AddDate(0, 0, 1)
	}
	if f.due.IsZero() && !f.submitted.IsZero() {
		f.due = f.submitted.AddDate(0, 0, 14)
	}
	_, err := db.ExecContext(ctx, `INSERT INTO cases (id, reference, status, status_at, opened_at, submitted_at, responded_at,
		response_due, clock_paused_at, assigned_to, email_blind, key_sealed, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, "PSU-T"+id, f.status, f.submitted, f.submitted, nullTime(f.submitted), nullTime(f.responded), nullTime(f.due), paused,
		adviser, "b"+id, []byte{1}, f.submitted)
	if err != nil {
		t.Fatal(err)
	}
	if !f.appointment.IsZero() {
		st := f.apptStatus
		if st == "" {
			st = "attended"
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO appointments (id, case_id, adviser_id, starts_at, minutes, how, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, 60, 'phone', ?, ?, ?)`, "a"+id, id, f.adviser, f.appointment, st, f.submitted, f.submitted); err != nil {
			t.Fatal(err)
		}
	}
	if !f.summary.IsZero() {
		if _, err := db.ExecContext(ctx, `INSERT INTO summaries (id, case_id, version, issued_at, content, pdf) VALUES (?, ?, 1, ?, ?, ?)`,
			"s"+id, id, f.summary, []byte{1}, []byte{1}); err != nil {
			t.Fatal(err)
		}
	}
}

func addUser(t *testing.T, db *store.DB, id, name string) {
	t.Helper()
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := db.ExecContext(context.Background(), `INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, '', ?, ?)`, id, id+"@example.nhs.uk", name, at, at); err != nil {
		t.Fatal(err)
	}
}

func TestTargetsHandCounted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		addUser(t, db, "ann", "Ann Adviser")
		addUser(t, db, "bob", "Bob Adviser")
		n := 0
		jan := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
		feb := time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
		day := 24 * time.Hour
		add := func(k int, f targetFixture) {
			for range k {
				addTargetCase(t, db, &n, f)
			}
		}
		// First response, counted by hand (days from application to contact):
		//              met  not met   days
		//   Jan  Ann     6        1   2 ×6, 20
		//        Bob     2        0   10 ×2
		//   Feb  Ann     5        0   3 ×5
		//        Bob     0        1   (not contacted, overdue)
		add(6, targetFixture{status: "contacted", adviser: "ann", submitted: jan, responded: jan.Add(2 * day)})
		add(1, targetFixture{status: "contacted", adviser: "ann", submitted: jan, responded: jan.Add(20 * day)})
		add(2, targetFixture{status: "contacted", adviser: "bob", submitted: jan, responded: jan.Add(10 * day)})
		add(5, targetFixture{status: "contacted", adviser: "ann", submitted: feb, responded: feb.Add(3 * day)})
		add(1, targetFixture{status: "new", adviser: "bob", submitted: feb})
		// Not counted: still within time, clock paused, withdrawn before
		// contact, merged, applied after the range.
		add(1, targetFixture{status: "new", submitted: feb, due: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)})
		add(1, targetFixture{status: "new", submitted: feb, paused: true})
		add(1, targetFixture{status: "withdrawn", submitted: feb})
		add(1, targetFixture{status: "merged", submitted: feb, responded: feb.Add(day)})
		add(1, targetFixture{status: "contacted", submitted: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), responded: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)})
		// Met by the case's own due date (a paused clock moved it) though
		// later than 14 days: counted as met, 16 days.
		add(1, targetFixture{status: "contacted", adviser: "bob", submitted: feb, responded: feb.Add(16 * day), due: feb.Add(17 * day)})

		from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		tt, err := NewKeeper().CountTarget(ctx, db, TargetBySlug("response"), PerBySlug("month"), Filter{}, from, to, now, 5)
		if err != nil {
			t.Fatal(err)
		}
		check := func(tt TargetTable, rows []string, want [][]int) {
			t.Helper()
			if strings.Join(tt.Grid.Rows, "|") != strings.Join(rows, "|") {
				t.Fatalf("rows %q, want %q", tt.Grid.Rows, rows)
			}
			for i := range want {
				for j := range want[i] {
					if got := tt.Grid.Cells[i][j].Value; got != want[i][j] {
						t.Errorf("%s %s = %d, want %d", tt.Grid.Rows[i], tt.Grid.Cols[j], got, want[i][j])
					}
				}
			}
			if recoverable(t, tt.Grid) {
				t.Errorf("a hidden count can be worked out from what is shown: %+v", tt.Grid)
			}
			for i, r := range tt.Grid.Rows {
				if (tt.Grid.Cells[i][0].Hidden || tt.Grid.Cells[i][1].Hidden) && tt.Share[i] != NotShown {
					t.Errorf("%s: share %s shown beside a hidden count", r, tt.Share[i])
				}
			}
		}
		check(tt, []string{"Jan 2026", "Feb 2026"}, [][]int{{8, 1}, {6, 1}})
		// Overall: 14 met of 16; days 2×6, 3×5, 10×2, 16, 20 (15 values):
		// median the 8th = 3.0, 90th percentile the 14th = 16.0.
		last := len(tt.Grid.Rows)
		if tt.Grid.Total.Value != 16 || tt.Median[last] != "3.0" || tt.P90[last] != "16.0" {
			t.Errorf("total %+v, median %s, 90th %s; want 16, 3.0, 16.0", tt.Grid.Total, tt.Median[last], tt.P90[last])
		}
		if tt.Share[last] != NotShown && tt.Share[last] != "88%" {
			t.Errorf("share %s", tt.Share[last])
		}
		// January: 9 cases, days 2×6, 10×2, 20: median 2.0, 90th 20.0 (9th).
		if tt.Median[0] != "2.0" || tt.P90[0] != "20.0" {
			t.Errorf("January median %s, 90th %s", tt.Median[0], tt.P90[0])
		}

		byAdviser, err := NewKeeper().CountTarget(ctx, db, TargetBySlug("response"), PerBySlug("adviser"), Filter{}, from, to, now, 5)
		if err != nil {
			t.Fatal(err)
		}
		check(byAdviser, []string{"Ann Adviser", "Bob Adviser"}, [][]int{{11, 1}, {3, 1}})
		// Bob's four cases are fewer than five: no days for him.
		if byAdviser.Median[1] != NotShown || byAdviser.P90[1] != NotShown {
			t.Errorf("Bob's days shown for 4 cases: %s, %s", byAdviser.Median[1], byAdviser.P90[1])
		}
	})
}

// The appointment and summary targets, each dated by its own start.
func TestAppointmentAndSummaryTargets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		addUser(t, db, "ann", "Ann Adviser")
		n := 0
		mar := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		day := 24 * time.Hour
		add := func(k int, f targetFixture) {
			for range k {
				f.adviser, f.submitted = "ann", mar.Add(-5*day)
				addTargetCase(t, db, &n, f)
			}
		}
		// Contacted 2 March. Appointment 7 days later (6 cases, 5 with a
		// summary 3 days after, 1 with one 20 days after), 30 days later
		// (2 cases, no summary yet and overdue); a cancelled appointment
		// only and overdue (1); no appointment, withdrawn (1, not counted).
		add(5, targetFixture{status: "summary_sent", responded: mar, appointment: mar.Add(7 * day), summary: mar.Add(10 * day)})
		add(1, targetFixture{status: "summary_sent", responded: mar, appointment: mar.Add(7 * day), summary: mar.Add(27 * day)})
		add(2, targetFixture{status: "seen", responded: mar, appointment: mar.Add(30 * day)})
		add(1, targetFixture{status: "contacted", responded: mar, appointment: mar.Add(3 * day), apptStatus: "cancelled"})
		add(1, targetFixture{status: "withdrawn", responded: mar})
		from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		now := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
		appt, err := NewKeeper().CountTarget(ctx, db, TargetBySlug("appointment"), PerBySlug("month"), Filter{}, from, to, now, 3)
		if err != nil {
			t.Fatal(err)
		}
		// March: met 6, not met 3 (two late, one never booked).
		if g := appt.Grid; g.Cells[0][0].Value != 6 || g.Cells[0][1].Value != 3 || g.Cells[1][0].Value != 0 {
			t.Errorf("appointment grid %+v", g.Cells)
		}
		if appt.Median[2] != "7.0" || appt.P90[2] != "30.0" {
			t.Errorf("appointment days %s, %s", appt.Median[2], appt.P90[2])
		}
		sum, err := NewKeeper().CountTarget(ctx, db, TargetBySlug("summary"), PerBySlug("month"), Filter{}, from, to, now, 3)
		if err != nil {
			t.Fatal(err)
		}
		// Sessions on 9 March (6 cases: 5 met, 1 late) and 1 April (2, overdue).
		if g := sum.Grid; g.Cells[0][0].Value != 5 || g.Cells[0][1].Value != 1 || g.Cells[1][0].Value != 0 || g.Cells[1][1].Value != 2 {
			t.Errorf("summary grid %+v", g.Cells)
		}
		if recoverable(t, sum.Grid) || recoverable(t, appt.Grid) {
			t.Error("a hidden count can be worked out")
		}
	})
}

package cases_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/keys"
	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// ids runs q (one column) and returns what it lists.
func ids(t *testing.T, db *store.DB, q string, args ...any) []any {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []any
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// sealedLeft counts the non-empty values of table.col in the rows where
// (SQL, with ?) selects, for each of args.
func sealedLeft(t *testing.T, db *store.DB, table, col, where string, args []any) int {
	t.Helper()
	total := 0
	for _, a := range args {
		var n int
		if err := store.Scan(db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table+` WHERE `+where+
			` AND `+col+` IS NOT NULL AND length(`+col+`) > 0`, a), &n); err != nil {
			t.Fatalf("%s.%s: %v", table, col, err)
		}
		total += n
	}
	return total
}

// After Erase, no sealed byte of the case is left in any column sealed
// under its key or holding its application and documents; the case row
// stays with its status and dates, marked erased; the audit trail keeps
// what happened and records the erasure; the case page says so calmly.
func TestEraseLeavesNoSealedByte(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := apptest.Start(t, db.Engine())
		db = in.App.DB
		ctx := context.Background()
		ref := workACase(t, in) // a note, a pause reason, a break-glass reason
		c, err := in.App.Cases.ByReference(ctx, db, ref)
		if err != nil {
			t.Fatal(err)
		}
		// A plan, and a request to erase with the trainee's words.
		var adviser cases.Viewer
		if err := store.Scan(db.QueryRowContext(ctx, `SELECT assigned_to FROM cases WHERE id = ?`, c.ID), &adviser.UserID); err != nil {
			t.Fatal(err)
		}
		adviser.Roles = "adviser"
		ps := &plans.Store{DB: db, Cases: in.App.Cases}
		if err := ps.AddGoal(ctx, adviser, c.ID, "Wombat-cerulean goal"); err != nil {
			t.Fatal(err)
		}
		if err := in.App.Cases.RequestErasure(ctx, c.ID, "Wombat-cerulean reason"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO portal_accounts (id, email_blind, case_id, created_at) VALUES (?, ?, ?, ?)`,
			store.NewID(), "blind-of-canary", c.ID, store.Now()); err != nil {
			t.Fatal(err)
		}

		caseArgs := []any{c.ID}
		apps := ids(t, db, `SELECT id FROM applications WHERE case_id = ?`, c.ID)
		drafts := ids(t, db, `SELECT draft_id FROM applications WHERE case_id = ?`, c.ID)
		files := ids(t, db, `SELECT f.id FROM application_files f JOIN applications a ON a.id = f.application_id WHERE a.case_id = ?`, c.ID)
		if len(apps) != 1 || len(files) != 1 {
			t.Fatalf("%d applications, %d files before erasing", len(apps), len(files))
		}
		// Where each sealed column's values of this case are.
		type place struct {
			col   string
			where string
			args  []any
		}
		var places []place
		for _, name := range keys.UnderCaseKeys {
			where := "case_id = ?"
			if strings.HasPrefix(name, "cases.") {
				where = "id = ?"
			}
			places = append(places, place{name, where, caseArgs})
		}
		places = append(places,
			place{"cases.key_sealed", "id = ?", caseArgs},
			place{"applications.answers", "id = ?", apps},
			place{"application_drafts.answers", "id = ?", drafts},
			place{"application_files.meta", "id = ?", files},
			place{"application_file_contents.content", "file_id = ?", files},
		)
		for _, col := range []string{"referrer_name", "referrer_role", "referrer_organisation", "referrer_email", "trainee_name", "trainee_email", "reason"} {
			places = append(places, place{"referrals." + col, "case_id = ?", caseArgs})
		}
		// The scan must find something before, or it proves nothing after.
		for _, must := range []string{"cases.key_sealed", "cases.name_sealed", "case_notes.body", "case_events.sealed", "case_break_glass.reason",
			"plan_goals.title", "erasure_requests.reason", "applications.answers", "application_file_contents.content"} {
			for _, p := range places {
				table, col, _ := strings.Cut(p.col, ".")
				if p.col == must && sealedLeft(t, db, table, col, p.where, p.args) == 0 {
					t.Fatalf("%s holds nothing of the case before erasing", must)
				}
			}
		}

		if err := db.Tx(ctx, func(tx *store.Tx) error { return in.App.Cases.Erase(ctx, tx, c.ID, cases.ErasedRetention) }); err != nil {
			t.Fatal(err)
		}
		for _, p := range places {
			table, col, _ := strings.Cut(p.col, ".")
			if n := sealedLeft(t, db, table, col, p.where, p.args); n != 0 {
				t.Errorf("%s: %d sealed values of the case left after erasing", p.col, n)
			}
		}
		for _, q := range []string{`SELECT COUNT(*) FROM case_search WHERE case_id = ?`, `SELECT COUNT(*) FROM portal_accounts WHERE case_id = ?`,
			`SELECT COUNT(*) FROM cases WHERE id = ? AND email_blind <> ''`} {
			var n int
			if err := store.Scan(db.QueryRowContext(ctx, q, c.ID), &n); err != nil || n != 0 {
				t.Errorf("%s: %d (%v)", q, n, err)
			}
		}

		after, err := in.App.Cases.Get(ctx, db, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !after.Erased() || after.Reference != ref || after.Status != c.Status || !after.OpenedAt.Equal(c.OpenedAt) {
			t.Errorf("after erasing: %+v", after)
		}
		if _, err := in.App.Cases.Key(after); err == nil {
			t.Error("the erased case still has a key")
		}
		var erasedEntries, earlier int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE case_id = ? AND action = 'case.erased' AND detail = 'retention'`, c.ID), &erasedEntries)
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE case_id = ? AND action <> 'case.erased'`, c.ID), &earlier)
		if erasedEntries != 1 || earlier == 0 {
			t.Errorf("audit: %d erasure entries, %d earlier entries", erasedEntries, earlier)
		}
		// Erasing again changes nothing.
		if err := db.Tx(ctx, func(tx *store.Tx) error { return in.App.Cases.Erase(ctx, tx, c.ID, cases.ErasedRetention) }); err != nil {
			t.Fatal(err)
		}
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE case_id = ? AND action = 'case.erased'`, c.ID), &erasedEntries)
		if erasedEntries != 1 {
			t.Errorf("%d erasure entries after erasing twice", erasedEntries)
		}

		// Pages say calmly that the record was erased; changes are refused.
		l := in.Client(t)
		l.SignIn(in.CreateStaff(t, web.RoleTriageLead))
		if _, err := db.ExecContext(ctx, `UPDATE cases SET restricted = FALSE WHERE id = ?`, c.ID); err != nil {
			t.Fatal(err)
		}
		res := l.Get("/cases/" + ref)
		expect(t, "erased case page", res, http.StatusOK, "Record erased", "was erased on")
		expect(t, "queue", l.Get("/cases"), http.StatusOK)
		// No page about the case answers with an error now its content is
		// gone: every GET route of a case, as a lead.
		wild := regexp.MustCompile(`\{[^}]*\}`)
		tried := 0
		for _, rt := range in.App.Web.Router.Routes() {
			method, path, _ := strings.Cut(rt.Pattern, " ")
			if method != http.MethodGet || !strings.Contains(path, "{ref}") {
				continue
			}
			path = strings.ReplaceAll(path, "{ref}", ref)
			path = wild.ReplaceAllStringFunc(path, func(string) string { return store.NewID() })
			if res := l.Get(path); res.StatusCode >= 500 {
				t.Errorf("%s on an erased case: %d", path, res.StatusCode)
			}
			tried++
		}
		if tried < 5 {
			t.Errorf("only %d case pages tried", tried)
		}
		if res := l.Post("/cases/"+ref+"/notes", map[string][]string{"note": {"more"}}); res.StatusCode != http.StatusForbidden ||
			!strings.Contains(res.Body, "erased") {
			t.Errorf("a note on an erased case: %d", res.StatusCode)
		}
	})
}

// The retention job erases a case that ended longer ago than the unit
// keeps them (7 years by default) and leaves one that ended yesterday, and
// one still open however old.
func TestRetentionErasesOnlyExpiredCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		in := apptest.Start(t, db.Engine())
		db = in.App.DB
		ctx := context.Background()
		lead := cases.Viewer{UserID: in.CreateStaff(t, web.RoleTriageLead).ID, Lead: true, Roles: "triage_lead"}
		now := time.Now().UTC()
		get := func(ref string) *cases.Case {
			c, err := in.App.Cases.ByReference(ctx, db, ref)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		old, recent, open := get(applied(t, in, "old@example.com", "Old", "s")), get(applied(t, in, "recent@example.com", "Recent", "s")),
			get(applied(t, in, "open@example.com", "Open", "s"))
		for _, c := range []*cases.Case{old, recent} {
			if err := in.App.Cases.Move(ctx, lead, c.ID, cases.Withdrawn, "", ""); err != nil {
				t.Fatal(err)
			}
		}
		for c, at := range map[*cases.Case]time.Time{old: now.AddDate(-7, 0, -1), recent: now.AddDate(0, 0, -1), open: now.AddDate(-9, 0, 0)} {
			if _, err := db.ExecContext(ctx, `UPDATE cases SET status_at = ?, opened_at = ? WHERE id = ?`, at, at, c.ID); err != nil {
				t.Fatal(err)
			}
		}
		n, err := in.App.Cases.EraseExpired(ctx, now)
		if err != nil || n != 1 {
			t.Fatalf("erased %d (%v), want 1", n, err)
		}
		if !get(old.Reference).Erased() {
			t.Error("the case that ended 7 years and a day ago was not erased")
		}
		if get(recent.Reference).Erased() || get(open.Reference).Erased() {
			t.Error("a case ended yesterday, or still open, was erased")
		}
		var why string
		store.Scan(db.QueryRowContext(ctx, `SELECT detail FROM audit_log WHERE case_id = ? AND action = 'case.erased'`, old.ID), &why)
		if why != cases.ErasedRetention {
			t.Errorf("audit detail %q", why)
		}
		if n, err := in.App.Cases.EraseExpired(ctx, now); err != nil || n != 0 {
			t.Errorf("a second run erased %d (%v)", n, err)
		}
	})
}

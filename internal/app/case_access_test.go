package app_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// caller is one kind of person the back office must tell apart.
type caller string

const (
	anonymous        caller = "anonymous"
	applicantSession caller = "applicant session"
	adviserElsewhere caller = "adviser not assigned"
	adviserAssigned  caller = "adviser assigned"
	conflicted       caller = "conflicted staff"
	lead             caller = "triage lead"
	administrator    caller = "administrator"
	disabled         caller = "disabled account"
)

var callers = []caller{anonymous, applicantSession, adviserElsewhere, adviserAssigned, conflicted, lead, administrator, disabled}

// staffRoute reports whether a route belongs to the back office.
func staffRoute(r web.Route) bool {
	switch r.Perm {
	case web.Staff, web.Adviser, web.TriageLead, web.Reports, web.Administrator:
		return true
	}
	return false
}

// expected is what each caller may do on a route, from the rules of the
// issue: the route table's permission first, then, for a route about one
// case, who may open that case.
func expected(c caller, r web.Route) bool {
	roles := map[caller]web.Role{adviserElsewhere: web.RoleAdviser, adviserAssigned: web.RoleAdviser, conflicted: web.RoleTriageLead,
		lead: web.RoleTriageLead, administrator: web.RoleAdministrator}
	role, signedIn := roles[c]
	if !signedIn || !(web.Principal{UserID: "x", Roles: web.NewRoleSet(role)}).Can(r.Perm) {
		return false
	}
	if !strings.Contains(r.Pattern, "{ref}") {
		return true
	}
	switch c {
	case lead, adviserAssigned:
		return true
	case conflicted:
		// The only pages about a case a conflicted person reaches are the
		// ones that show nothing but its reference: the declaration itself.
		return strings.HasSuffix(r.Pattern, "/conflict")
	}
	return false
}

// digest sums every table a refused request must leave alone.
func digest(t *testing.T, db *store.DB) string {
	t.Helper()
	h := sha256.New()
	for _, q := range []string{
		`SELECT id, status, COALESCE(assigned_to, ''), restricted, COALESCE(outcome, ''), clock_paused_days, updated_at FROM cases ORDER BY id`,
		`SELECT id FROM case_events ORDER BY id`,
		`SELECT id, updated_at FROM case_notes ORDER BY id`,
		`SELECT case_id, user_id FROM case_conflicts ORDER BY case_id, user_id`,
		`SELECT id FROM case_break_glass ORDER BY id`,
		`SELECT user_id, enabled FROM case_alerts ORDER BY user_id`,
		`SELECT id, disabled_at IS NULL FROM users ORDER BY id`,
		`SELECT user_id, role FROM user_roles ORDER BY user_id, role`,
		`SELECT key, value FROM settings ORDER BY key`,
		`SELECT id FROM outbox ORDER BY id`,
	} {
		rows, err := db.QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(h, vals...)
		}
		rows.Close()
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// Every back-office route, as every kind of caller, on a case of its own:
// no caller is let in beyond what the rules allow, and a refusal changes
// nothing. The list of routes comes from the route table, so a new route is
// tried without anyone adding it here.
func TestCaseAccessMatrix(t *testing.T) {
	ctx := context.Background()
	in := apptest.Start(t, store.SQLite, "PSU_TRUSTED_PROXIES=127.0.0.0/8")
	people := map[caller]apptest.Staff{
		adviserElsewhere: in.CreateStaff(t, web.RoleAdviser),
		adviserAssigned:  in.CreateStaff(t, web.RoleAdviser),
		conflicted:       in.CreateStaff(t, web.RoleTriageLead),
		lead:             in.CreateStaff(t, web.RoleTriageLead),
		administrator:    in.CreateStaff(t, web.RoleAdministrator),
		disabled:         in.CreateStaff(t, web.RoleTriageLead),
	}
	clients := map[caller]*apptest.Client{}
	for _, c := range callers {
		cl := in.Client(t)
		cl.Headers.Set("X-Forwarded-For", "203.0.113.77")
		switch c {
		case anonymous:
		case applicantSession:
			if res := cl.Post("/apply/start", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("start an application: %d", res.StatusCode)
			}
		default:
			cl.SignIn(people[c])
		}
		clients[c] = cl
	}
	if _, err := in.App.DB.ExecContext(ctx, `UPDATE users SET disabled_at = ? WHERE id = ?`, store.Now(), people[disabled].ID); err != nil {
		t.Fatal(err)
	}
	// The leads' alert clocks start now, so the minute's alert job has
	// nothing to write while the matrix runs (a write that would look like
	// a refused request changing something).
	if _, err := in.App.Cases.AlertLeads(ctx, "http://psu.test", store.Now()); err != nil {
		t.Fatal(err)
	}
	apps := &application.Store{DB: in.App.DB, Sealer: in.App.Sealer(), Outbox: in.App.Outbox, Intake: in.App.Cases.IntakeApplication}
	leadViewer := cases.Viewer{UserID: people[lead].ID, Lead: true}
	newCase := func() (ref, docID string) {
		d := &application.Draft{}
		if err := apps.CreateDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
		doc, err := apps.AddFile(ctx, d.ID, application.Document{Name: "letter.pdf", Kind: "arcp", ContentType: "application/pdf", Size: 9}, []byte("%PDF-1.4 x"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := apps.Submit(ctx, d.ID, func(*application.Draft) (application.Application, error) {
			return application.Application{Email: store.NewID() + "@example.com", Name: "Matrix Trainee", Concerns: []string{"exams"}, RuleID: "r", RuleVersion: 1}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		c, err := in.App.Cases.ByReference(ctx, in.App.DB, a.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if err := in.App.Cases.Assign(ctx, leadViewer, c.ID, people[adviserAssigned].ID); err != nil {
			t.Fatal(err)
		}
		if err := in.App.Cases.DeclareConflict(ctx, cases.Viewer{UserID: people[conflicted].ID, Lead: true}, c.ID); err != nil {
			t.Fatal(err)
		}
		return a.Reference, doc.ID
	}
	n := 0
	for _, r := range in.App.Web.Router.Routes() {
		if !staffRoute(r) || r.Pattern == "POST /sign-out" {
			continue
		}
		n++
		for _, c := range callers {
			ref, docID := newCase()
			method, path, _ := strings.Cut(r.Pattern, " ")
			path = strings.NewReplacer("{ref}", ref, "{id}", docID).Replace(path)
			path = wildcard.ReplaceAllString(path, store.NewID())
			before := digest(t, in.App.DB)
			var res apptest.Response
			if method == http.MethodPost {
				res = clients[c].Post(path, url.Values{})
			} else {
				res = clients[c].Get(path)
			}
			allowed := !refused(in.App.Web, r.Perm, res)
			if want := expected(c, r); allowed != want {
				t.Errorf("%s as %s: allowed=%v (status %d), want %v", r.Pattern, c, allowed, res.StatusCode, want)
			}
			if res.StatusCode >= 500 {
				t.Errorf("%s as %s: status %d", r.Pattern, c, res.StatusCode)
			}
			if !allowed && digest(t, in.App.DB) != before {
				t.Errorf("%s as %s: refused, yet something changed", r.Pattern, c)
			}
		}
	}
	if n < 15 {
		t.Fatalf("only %d back-office routes found", n)
	}
}

// refused reports whether a request was turned away: the route table's
// refusal, or the case's own (403).
func refused(srv *web.Server, perm web.Permission, res apptest.Response) bool {
	return denied(srv, perm, res) || res.StatusCode == http.StatusForbidden
}

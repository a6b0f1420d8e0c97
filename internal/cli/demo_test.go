package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/pquerna/otp"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/demo"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// runIn runs psu with a given data folder and database.
func runIn(t *testing.T, dataDir, dbURL, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := map[string]string{"PSU_DATABASE_URL": dbURL, "PSU_DATA_DIR": dataDir}
	code := Main(context.Background(), Env{Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errOut.String()
}

// On each engine, psu demo fills an empty database: every account it
// prints signs in through the real pages with its password and a code from
// its authenticator link; every status and every state of the clock is in
// the queue; documents download and search finds made-up names; the audit
// chain is whole. A second run refuses.
func TestDemo(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			dataDir, dbURL := t.TempDir(), storetest.URL(t, e)
			code, out, errOut := runIn(t, dataDir, dbURL, "", "demo", "--cases", "40", "--json")
			if code != 0 {
				t.Fatalf("demo: %d\n%s", code, errOut)
			}
			if !strings.Contains(errOut, "psu demo: 100% (40 of 40 cases") {
				t.Errorf("no progress on standard error: %q", errOut)
			}
			var raw map[string][]map[string]string
			if err := json.Unmarshal([]byte(out), &raw); err != nil || len(raw) != 2 {
				t.Fatalf("--json printed %v (%v):\n%s", raw, err, out)
			}
			var roles []string
			var staff []apptest.Staff
			for _, s := range raw["staff"] {
				keys := make([]string, 0, len(s))
				for k := range s {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				if !slices.Equal(keys, []string{"email", "password", "role", "totp_uri"}) {
					t.Fatalf("a staff entry has the keys %v", keys)
				}
				key, err := otp.NewKeyFromURL(s["totp_uri"])
				if err != nil || key.Type() != "totp" || !strings.HasSuffix(key.AccountName(), s["email"]) || key.Issuer() != "PSU localhost:8080" {
					t.Fatalf("authenticator link %q: %v", s["totp_uri"], err)
				}
				if err := auth.CheckPassword(s["password"], s["email"]); err != nil {
					t.Errorf("%s's password fails the policy: %v", s["email"], err)
				}
				roles = append(roles, s["role"])
				staff = append(staff, apptest.Staff{Email: s["email"], Password: s["password"], Secret: key.Secret(), Roles: web.NewRoleSet(web.Role(s["role"]))})
			}
			if !slices.Equal(roles, []string{"administrator", "triage_lead", "adviser", "adviser", "adviser"}) {
				t.Errorf("roles %v", roles)
			}

			in := apptest.StartOn(t, dbURL, "PSU_DATA_DIR="+dataDir)
			// A trainee at each stage signs in to the portal with the
			// password printed, and their page shows their stage.
			var stages []string
			for _, tr := range raw["trainees"] {
				stages = append(stages, tr["stage"])
				c := in.Client(t)
				res := c.Post("/portal/sign-in/password", url.Values{"pw_email": {tr["email"]}, "password": {tr["password"]}})
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/portal" {
					t.Errorf("trainee %s (%s) cannot sign in: %d", tr["email"], tr["stage"], res.StatusCode)
					continue
				}
				if res := c.Get("/portal"); res.StatusCode != http.StatusOK {
					t.Errorf("trainee %s: portal %d", tr["email"], res.StatusCode)
				}
				if tr["stage"] == "summary shared" {
					if res := c.Get("/portal/shares"); !strings.Contains(res.Body, "Educational supervisor") || !strings.Contains(res.Body, "Opened on") {
						t.Error("the trainee who shared their summary does not see the share and its opening")
					}
				}
				if tr["stage"] == "summary issued" {
					if res := c.Get("/portal/summaries/1/summary.pdf"); res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Body, "%PDF-") {
						t.Errorf("the trainee with a summary cannot download it: %d", res.StatusCode)
					}
					if res := c.Get("/portal/plan"); !strings.Contains(res.Body, "Goal 1") {
						t.Error("the trainee with a summary sees no plan")
					}
				}
			}
			if !slices.Equal(stages, []string{"applied", "booked", "summary issued", "summary shared", "closed"}) {
				t.Errorf("trainees at %v", stages)
			}
			var lead *apptest.Client
			for _, s := range staff {
				c := in.Client(t)
				c.SignIn(s)
				if res := c.Get("/account"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, s.Email) {
					t.Errorf("%s signed in but their account page is %d", s.Email, res.StatusCode)
				}
				if slices.Contains(s.Roles, web.RoleTriageLead) {
					lead = c
				}
			}

			if is, err := demo.IsDemo(ctx, in.App.DB); err != nil || !is {
				t.Errorf("not marked a demo: %v %v", is, err)
			}
			var statuses []string
			rows, err := in.App.DB.QueryContext(ctx, `SELECT DISTINCT status FROM cases`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s string
				rows.Scan(&s)
				statuses = append(statuses, s)
			}
			rows.Close()
			for _, s := range cases.Statuses {
				if !slices.Contains(statuses, string(s)) {
					t.Errorf("no case is %s", s)
				}
			}
			var leadID string
			if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT user_id FROM user_roles WHERE role = 'triage_lead'`), &leadID); err != nil {
				t.Fatal(err)
			}
			v := cases.Viewer{UserID: leadID, Roles: "triage_lead", Lead: true}
			for _, k := range cases.ClockStates {
				q, err := in.App.Cases.Queue(ctx, v, cases.Filter{Clock: k.Value, Page: 1}, store.Now())
				if err != nil || len(q.Rows) == 0 {
					t.Errorf("no case is %q (%v)", k.Label, err)
				}
			}
			var n struct{ notified, joined, conflicts, restricted, unassigned int }
			for _, c := range []struct {
				dst *int
				q   string
			}{
				{&n.notified, `SELECT COUNT(*) FROM referrals WHERE application_id IS NULL`},
				{&n.joined, `SELECT COUNT(*) FROM referrals WHERE application_id IS NOT NULL`},
				{&n.conflicts, `SELECT COUNT(*) FROM case_conflicts`},
				{&n.restricted, `SELECT COUNT(*) FROM cases WHERE restricted`},
				{&n.unassigned, `SELECT COUNT(*) FROM cases WHERE status = 'new' AND assigned_to IS NULL`},
			} {
				if err := store.Scan(in.App.DB.QueryRowContext(ctx, c.q), c.dst); err != nil || *c.dst == 0 {
					t.Errorf("none for %s (%v)", c.q, err)
				}
			}

			// The lead's queue, a case, a search by name and by address, and
			// a document, all from made-up data.
			res := lead.Get("/cases")
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Demo Trainee") {
				t.Fatalf("queue: %d", res.StatusCode)
			}
			var ref, fileID string
			if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT c.reference, f.id FROM application_files f
				JOIN applications a ON a.id = f.application_id JOIN cases c ON c.id = a.case_id WHERE NOT c.restricted LIMIT 1`), &ref, &fileID); err != nil {
				t.Fatalf("no document on an open case: %v", err)
			}
			res = lead.Get("/cases/" + ref)
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Demo Trainee") || !strings.Contains(res.Body, "07700 900") {
				t.Fatalf("case page %s: %d", ref, res.StatusCode)
			}
			res = lead.Get("/cases/" + ref + "/documents/" + fileID)
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.Body, "%PDF-") {
				t.Errorf("document: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			// Every case the lead may open without a reason opens, and the
			// case part 2 made shows: a booked appointment, the plan, an
			// issued summary as its PDF.
			open, err := in.App.DB.QueryContext(ctx, `SELECT reference FROM cases WHERE status NOT IN ('notified', 'merged') AND NOT restricted
				AND NOT EXISTS (SELECT 1 FROM case_conflicts x WHERE x.case_id = cases.id)`)
			if err != nil {
				t.Fatal(err)
			}
			var refs []string
			for open.Next() {
				var r string
				open.Scan(&r)
				refs = append(refs, r)
			}
			open.Close()
			for _, r := range refs {
				if res := lead.Get("/cases/" + r); res.StatusCode != http.StatusOK {
					t.Errorf("case page %s: %d", r, res.StatusCode)
				}
			}
			var booked, issued string
			if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT c.reference FROM cases c JOIN appointments a ON a.case_id = c.id
				WHERE a.status = 'booked' AND NOT c.restricted LIMIT 1`), &booked); err != nil {
				t.Fatalf("no booked appointment: %v", err)
			}
			if res := lead.Get("/cases/" + booked); !strings.Contains(res.Body, "Cancel") {
				t.Errorf("the booked case %s shows no appointment to change", booked)
			}
			if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT c.reference FROM cases c JOIN summaries s ON s.case_id = c.id
				WHERE NOT c.restricted AND NOT EXISTS (SELECT 1 FROM case_conflicts x WHERE x.case_id = c.id) LIMIT 1`), &issued); err != nil {
				t.Fatalf("no issued summary: %v", err)
			}
			if res := lead.Get("/cases/" + issued + "/plan"); res.StatusCode != http.StatusOK {
				t.Errorf("plan of %s: %d", issued, res.StatusCode)
			}
			if res := lead.Get("/cases/" + issued + "/summaries/1/pdf"); res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Body, "%PDF-") {
				t.Errorf("summary of %s: %d", issued, res.StatusCode)
			}
			c, err := in.App.Cases.ByReference(ctx, in.App.DB, ref)
			if err != nil {
				t.Fatal(err)
			}
			name, err := in.App.Cases.Name(c)
			if err != nil {
				t.Fatal(err)
			}
			email, err := in.App.Cases.Email(c)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{strings.TrimPrefix(name, "Demo Trainee "), email} {
				if res := lead.Get("/cases?q=" + url.QueryEscape(q)); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, ref) {
					t.Errorf("a search for %q does not find %s", q, ref)
				}
			}
			if code, out, errOut := runIn(t, dataDir, dbURL, "", "audit", "verify"); code != 0 {
				t.Errorf("audit verify: %d %s %s", code, out, errOut)
			}

			code, out, errOut = runIn(t, dataDir, dbURL, "", "demo")
			if code != 1 || !strings.Contains(errOut, "already holds psu demo's made-up data") || !strings.Contains(errOut, "PSU_DATA_DIR=$(mktemp -d) psu demo") {
				t.Errorf("second run: %d %q %q", code, out, errOut)
			}
		})
	}
}

// psu demo refuses a database with a real staff account, or a real
// referrer's notice, and changes nothing in it; and asks for a sensible
// number of cases.
func TestDemoRefusesARealDatabase(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			dataDir, dbURL := t.TempDir(), storetest.URL(t, e)
			if code, _, errOut := runIn(t, dataDir, dbURL, "", "migrate", "up"); code != 0 {
				t.Fatalf("migrate: %s", errOut)
			}
			if code, _, errOut := runIn(t, dataDir, dbURL, "a long enough passphrase here\n", "user", "add", "--email", "lead@example.nhs.uk",
				"--name", "Real Lead", "--role", "triage_lead"); code != 0 {
				t.Fatalf("user add: %s", errOut)
			}
			code, _, errOut := runIn(t, dataDir, dbURL, "", "demo")
			if code != 1 || !strings.Contains(errOut, "already holds staff accounts") || !strings.Contains(errOut, "PSU_DATA_DIR=$(mktemp -d) psu demo") {
				t.Errorf("with a staff account: %d %q", code, errOut)
			}

			// A notice from the public form, and no staff yet.
			dataDir, dbURL = t.TempDir(), storetest.URL(t, e)
			if code, _, errOut := runIn(t, dataDir, dbURL, "", "migrate", "up"); code != 0 {
				t.Fatalf("migrate: %s", errOut)
			}
			db, err := store.Open(ctx, dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.ExecContext(ctx, `INSERT INTO referrals (id, created_at, referrer_name, referrer_role, referrer_organisation,
				referrer_email, trainee_name, trainee_email, trainee_email_blind, reason, trainee_told)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'b', ?, TRUE)`, store.NewID(), store.Now(), []byte{1}, []byte{1}, []byte{1}, []byte{1}, []byte{1}, []byte{1}, []byte{1}); err != nil {
				t.Fatal(err)
			}
			code, _, errOut = runIn(t, dataDir, dbURL, "", "demo")
			if code != 1 || !strings.Contains(errOut, "already holds staff accounts, applications, referrers' notices or cases") {
				t.Errorf("with a notice: %d %q", code, errOut)
			}
			var users, settings int
			store.Scan(db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM settings)`), &users, &settings)
			if users != 0 || settings != 0 {
				t.Errorf("a refused demo left %d accounts and %d settings", users, settings)
			}

			if code, _, errOut := runIn(t, dataDir, dbURL, "", "demo", "--cases", "5"); code != 2 || !strings.Contains(errOut, "--cases must be a whole number from 25") {
				t.Errorf("--cases 5: %d %q", code, errOut)
			}
		})
	}
}

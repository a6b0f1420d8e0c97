package eligibility_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// An administrator changes the rules in the browser: a document with
// problems is refused with every problem listed and the text kept; a sound
// one becomes the next version, is used at once, and is on record.
func TestAdministratorPublishesRules(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			admin := in.CreateStaff(t, web.RoleAdministrator)
			c := in.Client(t)
			c.SignIn(admin)

			res := c.Get("/admin/eligibility")
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Version 1 is in use") || !strings.Contains(res.Body, html.EscapeString(`"version": 2`)) {
				t.Fatalf("rules page: %d\n%s", res.StatusCode, res.Body)
			}

			if strings.Contains(res.Body, `\u0026`) || !strings.Contains(res.Body, "KSS Professional Support &amp; Wellbeing Service") {
				t.Error("the rules box escapes & as \\u0026")
			}

			if res := c.Post("/admin/eligibility", url.Values{"document": {"  "}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Paste the rules document") {
				t.Errorf("empty: %d", res.StatusCode)
			}

			broken := strings.Replace(string(eligibility.DefaultJSON()), `"version": 1`, `"version": 2`, 1)
			broken = strings.Replace(broken, `"route": "kss-professional-support-wellbeing"`, `"route": "somewhere"`, 1)
			broken = strings.Replace(broken, `"band": {"min": 5, "max": 8}`, `"band": {"min": 8, "max": 5}`, 1)
			res = c.Post("/admin/eligibility", url.Values{"document": {broken}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("broken rules: %d", res.StatusCode)
			}
			for _, want := range []string{"The rules have 2 problems", `rule &#34;kss-foundation&#34;, field outcome.route`, `rule &#34;nurse-ahp-band-5-to-8-on-scheme&#34;, field when.band`, html.EscapeString(`"route": "somewhere"`)} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("broken rules page lacks %q", want)
				}
			}

			stale := string(eligibility.DefaultJSON())
			res = c.Post("/admin/eligibility", url.Values{"document": {stale}})
			if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, html.EscapeString(`must have "version": 2`)) {
				t.Errorf("old version number: %d", res.StatusCode)
			}

			good := strings.Replace(stale, `"version": 1`, `"version": 2`, 1)
			good = strings.Replace(good, `"band": {"min": 5, "max": 8}`, `"band": {"min": 4, "max": 8}`, 1)
			res = c.Post("/admin/eligibility", url.Values{"document": {good}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/eligibility" {
				t.Fatalf("publish: %d\n%s", res.StatusCode, res.Body)
			}
			res = c.Get("/admin/eligibility")
			for _, want := range []string{"Version 2 of the rules is now in use", "Version 2 is in use", "by " + admin.Name, "at bands 4 to 8", `href="/admin/eligibility/versions/1"`} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("after publishing, page lacks %q", want)
				}
			}
			if strings.Contains(c.Get("/admin/eligibility").Body, "now in use") {
				t.Error("the published message shows twice")
			}

			// In use at once, by the API too, and recorded with version 2.
			api := postJSON(t, in.Client(t), requestBody(nb("london", "nurse", "preceptorship", 4)))
			if !strings.Contains(api.Body, `"eligible":true`) {
				t.Errorf("API under version 2: %s", api.Body)
			}
			if d := latestDecision(t, in.App.DB); d.version != 2 {
				t.Errorf("decision recorded with version %d", d.version)
			}

			// Earlier versions stay exactly as published.
			res = c.Get("/admin/eligibility/versions/1")
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, html.EscapeString(`"band": {"min": 5, "max": 8}`)) || !strings.Contains(res.Body, "Built into psu") {
				t.Errorf("version 1 page: %d", res.StatusCode)
			}
			res = c.Get("/admin/eligibility/versions/2")
			if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, html.EscapeString(`"band": {"min": 4, "max": 8}`)) {
				t.Errorf("version 2 page: %d", res.StatusCode)
			}
			for _, p := range []string{"/admin/eligibility/versions/3", "/admin/eligibility/versions/x", "/admin/eligibility/versions/01"} {
				if res := c.Get(p); res.StatusCode != http.StatusNotFound {
					t.Errorf("%s: %d", p, res.StatusCode)
				}
			}

			var n int
			store.Scan(in.App.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audit_log
				WHERE action = 'eligibility.rules_published' AND actor_id = ? AND target_id = '2'`, admin.ID), &n)
			if n != 1 {
				t.Errorf("publishing is in the audit log %d times, want 1", n)
			}

			// Only administrators.
			adviser := in.Client(t)
			adviser.SignIn(in.CreateStaff(t, web.RoleAdviser))
			if res := adviser.Post("/admin/eligibility", url.Values{"document": {good}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("adviser publishing: %d", res.StatusCode)
			}
		})
	}
}

// The rules page keeps a published version unchanged even if someone tries
// to change the table directly.
func TestPublishedRulesCannotChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if err := eligibility.SeedDefault(t.Context(), db); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(t.Context(), `UPDATE eligibility_rule_sets SET document = '{}' WHERE version = 1`); err == nil {
			t.Error("a published version was changed")
		}
		if _, err := db.ExecContext(t.Context(), `DELETE FROM eligibility_rule_sets`); err == nil {
			t.Error("a published version was deleted")
		}
	})
}

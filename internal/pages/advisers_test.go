package pages_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

var editLinkRE = regexp.MustCompile(`href="/admin/advisers/([0-9a-f-]{36})"`)

// An administrator adds, edits and removes adviser biographies; the public
// page shows them; mistakes come back with everything typed kept.
func TestAdviserBiographies(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			visitor := in.Client(t)
			if res := visitor.Get("/advisers"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "have not been added yet") {
				t.Fatalf("empty advisers page: %d", res.StatusCode)
			}
			admin := in.Client(t)
			admin.SignIn(in.CreateStaff(t, web.RoleAdministrator))

			res := admin.Post("/admin/advisers", url.Values{"name": {"Dr Robin Example"}, "role": {""}, "background": {strings.Repeat("x", 3001)}})
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("bad adviser: %d", res.StatusCode)
			}
			for _, want := range []string{"There is a problem", "Enter the adviser&#39;s role", "must be 3000 characters or fewer; it has 3001", `value="Dr Robin Example"`, strings.Repeat("x", 3001) + "</textarea>"} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("bad adviser page lacks %q", want)
				}
			}

			res = admin.Post("/admin/advisers", url.Values{"name": {"Dr Robin Example"}, "role": {"Associate Dean"},
				"background": {"A GP educator for many years.\r\n\r\nInterested in <b>careers</b> & wellbeing."}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/advisers" {
				t.Fatalf("add: %d\n%s", res.StatusCode, res.Body)
			}
			list := admin.Get("/admin/advisers").Body
			if !strings.Contains(list, "Dr Robin Example has been added") {
				t.Error("no confirmation after adding")
			}
			m := editLinkRE.FindStringSubmatch(list)
			if m == nil {
				t.Fatal("no edit link")
			}
			id := m[1]

			page := visitor.Get("/advisers").Body
			for _, want := range []string{"Dr Robin Example", "Associate Dean", "<p class=\"nhsuk-card__description\">A GP educator for many years.</p>", "Interested in &lt;b&gt;careers&lt;/b&gt; &amp; wellbeing."} {
				if !strings.Contains(page, want) {
					t.Errorf("advisers page lacks %q", want)
				}
			}

			if res := admin.Get("/admin/advisers/" + id); !strings.Contains(res.Body, `value="Associate Dean"`) {
				t.Error("edit form does not show the current role")
			}
			if res := admin.Post("/admin/advisers/"+id, url.Values{"name": {""}, "role": {"Dean"}, "background": {"Changed."}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `value="Dean"`) {
				t.Errorf("bad edit: %d", res.StatusCode)
			}
			if res := admin.Post("/admin/advisers/"+id, url.Values{"name": {"Dr Robin Example"}, "role": {"Dean"}, "background": {"Changed."}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("edit: %d", res.StatusCode)
			}
			if page := visitor.Get("/advisers").Body; !strings.Contains(page, "Dean") || strings.Contains(page, "Associate Dean") {
				t.Error("edit not shown on the public page")
			}

			if res := admin.Get("/admin/advisers/" + id + "/delete"); !strings.Contains(res.Body, "Remove Dr Robin Example from the advisers page?") {
				t.Errorf("delete confirmation: %d", res.StatusCode)
			}
			if res := admin.Post("/admin/advisers/"+id+"/delete", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("delete: %d", res.StatusCode)
			}
			if page := visitor.Get("/advisers").Body; strings.Contains(page, "Dr Robin Example") {
				t.Error("removed adviser still shown")
			}
			for _, p := range []string{"/admin/advisers/" + id, "/admin/advisers/not-an-id"} {
				if res := admin.Get(p); res.StatusCode != http.StatusNotFound {
					t.Errorf("%s: %d", p, res.StatusCode)
				}
			}
			var n int
			store.Scan(in.App.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE target_type = 'adviser' AND target_id = ?`, id), &n)
			if n != 3 {
				t.Errorf("%d audit entries for the adviser, want 3 (added, changed, removed)", n)
			}

			adviser := in.Client(t)
			adviser.SignIn(in.CreateStaff(t, web.RoleAdviser))
			if res := adviser.Post("/admin/advisers", url.Values{"name": {"X"}, "role": {"Y"}, "background": {"Z"}}); res.StatusCode != http.StatusForbidden {
				t.Errorf("adviser adding: %d", res.StatusCode)
			}
		})
	}
}

// The pages that explain the service carry the source's facts.
func TestExplanatoryPages(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	for path, wants := range map[string][]string{
		"/how-it-works": {"within 14 days", "usually within 2 weeks", "at least an hour", "face to face", "Microsoft Teams or Zoom",
			"plan of action", "written summary", "consent in writing", "follow-up", "feedback", `href="/advisers"`},
		"/guidance/applicants": {"ARCP reports", "supervisors", "assessments or exams", "Complaints", "proceedings", "PDF, Word (DOCX), JPEG or PNG", "10 MB", "disability", "other career paths"},
		"/confidentiality":     {"serious risk", "patients are at serious risk", "alongside your application"},
		"/privacy":             {"How long we keep it", "Your rights", "recommended the service to you"},
	} {
		res := c.Get(path)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", path, res.StatusCode)
			continue
		}
		for _, want := range wants {
			if !strings.Contains(res.Body, want) {
				t.Errorf("%s lacks %q", path, want)
			}
		}
	}
}

package editor_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/directory/editor/edtest"
)

// Whatever a directory editor's browser sends (text PostgreSQL cannot
// store, numbers out of range, ids of the wrong thing, the same value in
// every field), every page of the editor answers without a server error.
func TestEditorNeverAnswers500(t *testing.T) {
	eachEngine(t, func(t *testing.T, in *apptest.Instance) {
		nasty(t, in)
	})
}

func nasty(t *testing.T, in *apptest.Instance) {
	c, _ := edtest.Editor(t, in)
	id := entry(t, in, directory.EntryService, "Gamcare").ID
	org := entry(t, in, directory.EntryOrganization, "Gamcare").ID
	public := in.Client(t)
	public.Post("/services/"+id+"/report-a-problem", url.Values{"problem": {"other"}, "details": {"x"}})
	reps, _ := directory.Reports(t.Context(), in.App.DB, in.App.Sealer(), directory.ReportOpen)
	values := []string{"\x00", "\xff\xfe", strings.Repeat("é", 5000), "-1", "99999999999999999999", "<script>", "0", "1", id, "%00", "yes", "no", "resolved", "dismissed"}
	fields := []string{"name", "organization", "description", "eligibility", "application_process", "fees", "wait_time", "alert", "status", "shown", "email", "url", "website",
		"term", "phones", "hours", "phone0-number", "phone0-description", "phone0-id", "hours0-day", "hours0-opens", "hours0-closes", "hours0-description", "hours0-id",
		"checked", "revision", "base", "report", "kind", "publisher", "topic", "version", "back", "outcome", "note", "second_pair", "review_months", "q"}
	paths := []string{"/admin/directory/new/service", "/admin/directory/new/organisation", "/admin/directory/new/reading",
		"/admin/directory/entries/" + id + "/edit", "/admin/directory/entries/" + org + "/edit", "/admin/directory/entries/" + id + "/publish",
		"/admin/directory/entries/" + id + "/discard", "/admin/directory/entries/" + id + "/checked", "/admin/directory/entries/" + id + "/delete",
		"/admin/directory/entries/" + id + "/restore", "/admin/directory/reports/" + reps[0].ID, "/admin/directory/settings"}
	for _, n := range values {
		v := url.Values{}
		for _, f := range fields {
			v.Set(f, n)
		}
		for _, p := range paths {
			if res := c.Post(p, v); res.StatusCode >= 500 {
				t.Errorf("POST %s with %q: %d", p, n, res.StatusCode)
			}
		}
		for _, g := range []string{"/admin/directory?q=" + url.QueryEscape(n) + "&kind=" + url.QueryEscape(n), "/admin/directory/entries/" + id + "/edit?report=" + url.QueryEscape(n),
			"/admin/directory/entries/" + id + "/draft", "/admin/directory/entries/" + id, "/admin/directory/entries/" + id + "/history", "/admin/directory/review", "/admin/directory/reports"} {
			if res := c.Get(g); res.StatusCode >= 500 {
				t.Errorf("GET %s: %d", g, res.StatusCode)
			}
		}
	}
}

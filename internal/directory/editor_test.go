package directory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/directory/editor/edtest"
	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/directory/seed"
	"github.com/psu-project/psu/internal/store"
)

// serviceID finds a service of the seed by name.
func serviceID(t *testing.T, in *apptest.Instance, name string) string {
	t.Helper()
	res, err := directory.NewIndex().Search(context.Background(), in.App.DB, directory.Query{Text: name, Limit: 1})
	if err != nil || len(res.IDs) == 0 {
		t.Fatalf("no service %q: %v", name, err)
	}
	return res.IDs[0]
}

var reportLinkRE = regexp.MustCompile(`href="/admin/directory/reports/([0-9a-f-]{36})"`)

// TestEditorFixesAReportedListing is the whole round: the public reports a
// problem, an editor opens it from the queue, fixes the listing in a draft
// (which nothing public shows), publishes it (the service page, the search
// and the HSDS API show it, and the API still validates against HSDS 3.0),
// closes the report (the reporter is told by e-mail, and their address is
// erased), reads the change in the history, and restores the old version.
// An import then refuses to overwrite the edits without being forced.
func TestEditorFixesAReportedListing(t *testing.T) {
	sch := schemas(t)
	eachEngine(t, func(t *testing.T, in *apptest.Instance) {
		ctx := context.Background()
		api := client{t, in.Client(t)}
		id := serviceID(t, in, "Sick Doctors Trust")
		entry := "/admin/directory/entries/" + id

		// The public report, with a contact to hear back.
		public := in.Client(t)
		res := public.Post("/services/"+id+"/report-a-problem", url.Values{"problem": {"other"},
			"details": {"The page does not say that family can call too."}, "email": {"reporter@example.org"}})
		expect(t, "report", edtest.Follow(t, public, res), 200, "e-mail you when we have")

		c, editor := edtest.Editor(t, in)
		queue := c.Get("/admin/directory/reports")
		expect(t, "queue", queue, 200, "Sick Doctors Trust", "Something else is wrong")
		m := reportLinkRE.FindStringSubmatch(queue.Body)
		if m == nil {
			t.Fatalf("no report in the queue:\n%s", queue.Body)
		}
		reportURL := "/admin/directory/reports/" + m[1]
		rep := c.Get(reportURL)
		expect(t, "report page", rep, 200, "family can call too", "they will get an e-mail", entry+"?report="+m[1])
		if strings.Contains(rep.Body, "reporter@example.org") {
			t.Error("the report page shows the reporter's address")
		}

		// Edit: a draft, which nothing public shows.
		editURL := entry + "/edit"
		edit := c.Get(editURL + "?report=" + m[1])
		expect(t, "edit form", edit, 200, "Save as a draft", `value="0370 444 5163"`)
		const canary = "Family, friends and colleagues can call the line too."
		v := edtest.Form(t, edit.Body, editURL)
		oldDesc := v.Get("description")
		res = edtest.Submit(t, c, edit.Body, editURL, map[string][]string{"description": {oldDesc + " " + canary}})
		if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), entry+"/draft?report="+m[1]) {
			t.Fatalf("save: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
		}
		draft := c.Get(res.Header.Get("Location"))
		expect(t, "draft", draft, 200, "What publishing changes: 1 field", "Description", canary, "Publish")
		if strings.Contains(draft.Body, `id="help-card"`) {
			t.Error("a draft that keeps the number warns that the help card gives it")
		}
		for what, body := range map[string]string{
			"the service page":   public.Get("/services/" + id).Body,
			"the search":         public.Get("/services?q=colleagues+can+call").Body,
			"the API service":    api.get("/api/hsds/services/"+id, 200).Body,
			"the API full list":  api.get("/api/hsds/services?full=true&per_page=500", 200).Body,
			"the API as NDJSON":  api.get("/api/hsds/services?format=ndjson", 200).Body,
			"the organization":   api.get("/api/hsds/organizations?full_service=true&per_page=500", 200).Body,
			"the export":         exportJSON(t, in.App.DB),
			"the NDJSON export":  exportNDJSON(t, in.App.DB),
			"the list of change": api.get("/api/hsds/services?minimal=true&modified_after=2000-01-01&per_page=500", 200).Body,
		} {
			if strings.Contains(body, "colleagues can call the line") {
				t.Errorf("the draft leaks into %s", what)
			}
		}

		// Publish: the public page, the search and the API show it.
		res = edtest.Submit(t, c, draft.Body, entry+"/publish", nil)
		if res.StatusCode != 303 || res.Header.Get("Location") != reportURL {
			t.Fatalf("publish: %d %s\n%s", res.StatusCode, res.Header.Get("Location"), res.Body)
		}
		expect(t, "back at the report", c.Get(reportURL), 200, "Published as version 2", "close the report below")
		expect(t, "public page", public.Get("/services/"+id), 200, canary)
		search := public.Get("/services?q=colleagues+can+call")
		if !strings.Contains(search.Body, `id="service-`+id+`"`) {
			t.Error("the search does not find the published words")
		}
		one := api.get("/api/hsds/services/"+id, 200)
		validate(t, sch["compiled/service.json"], "the edited service", []byte(one.Body))
		if !strings.Contains(one.Body, canary) {
			t.Error("the API does not show the published change")
		}
		for _, raw := range api.walk("/api/hsds/services?full=true", 25, sch["compiled/service.json"], "services after the edit") {
			_ = raw
		}
		api.walk("/api/hsds/services", 30, sch["compiled/service_list.json"], "service list after the edit")
		org := api.get("/api/hsds/organizations?full_service=true&per_page=500", 200)
		var orgs hsdsPage
		if err := json.Unmarshal([]byte(org.Body), &orgs); err != nil {
			t.Fatal(err)
		}
		for i, raw := range orgs.Contents {
			validate(t, sch["compiled/organization_list.json"], "organization "+itoa(i)+" after the edit", raw)
		}
		// The export is still a file import takes.
		if _, err := directory.ReadDataset(strings.NewReader(exportJSON(t, in.App.DB))); err != nil {
			t.Errorf("the export after the edit is refused by import: %v", err)
		}

		// Close the report: the reporter is told, their address erased.
		rep = c.Get(reportURL)
		res = edtest.Submit(t, c, rep.Body, reportURL, map[string][]string{"outcome": {"resolved"}, "note": {"The listing now says that family and friends can call."}})
		expect(t, "closed", edtest.Follow(t, c, res), 200, "closed as done", "being told by e-mail")
		mails := in.SMTP.Wait(t, 1, 10*time.Second)
		if len(mails[0].To) != 1 || mails[0].To[0] != "reporter@example.org" || !strings.Contains(mails[0].Body, "the listing is now right") ||
			!strings.Contains(mails[0].Body, "family and friends can call") || !strings.Contains(mails[0].Body, in.URL+"/services/"+id) {
			t.Errorf("the reporter's mail: to %v\n%s", mails[0].To, mails[0].Body)
		}
		var kept int
		if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM dir_reports WHERE contact IS NOT NULL`), &kept); err != nil || kept != 0 {
			t.Errorf("%d reporters' addresses kept after closing (%v)", kept, err)
		}

		// The history shows the change, field by field, and who made it.
		hist := c.Get(entry + "/history")
		expect(t, "history", hist, 200, "Version 2 (published now)", "Published from a draft, by "+editor.Name, "What version 2 changed",
			oldDesc, canary, "Version 1", "Restore version 1")

		// Restore version 1: a draft, then published as version 3.
		res = edtest.Submit(t, c, hist.Body, entry+"/restore", map[string][]string{"version": {"1"}})
		draft = edtest.Follow(t, c, res)
		expect(t, "restore draft", draft, 200, "Restore version 1", canary)
		res = edtest.Submit(t, c, draft.Body, entry+"/publish", nil)
		expect(t, "restored", edtest.Follow(t, c, res), 200, "Published as version 3")
		if page := public.Get("/services/" + id).Body; strings.Contains(page, canary) || !strings.Contains(page, escaped(oldDesc)) {
			t.Error("the restore did not bring the old description back to the public page")
		}
		if body := api.get("/api/hsds/services/"+id, 200).Body; strings.Contains(body, canary) {
			t.Error("the API still shows the restored-away words")
		}
		expect(t, "history after restore", c.Get(entry+"/history"), 200, "Version 3 (published now)", "Restored version 1")

		// An import would overwrite the editor's versions: refused, then
		// forced, and recorded as a version too.
		d, err := directory.ReadDataset(bytes.NewReader(seed.Directory))
		if err != nil {
			t.Fatal(err)
		}
		for i := range d.Organizations {
			for j := range d.Organizations[i].Services {
				if s := &d.Organizations[i].Services[j]; s.ID == id {
					s.WaitTime = "Calls are answered at once."
				}
			}
		}
		_, err = directory.Import(ctx, in.App.DB, d, "changed.json", nil)
		var edited *directory.EditedError
		if !errors.As(err, &edited) || len(edited.Names) != 1 || edited.Names[0] != "Sick Doctors Trust" || !strings.Contains(err.Error(), "--force") {
			t.Fatalf("import over an edit: %v", err)
		}
		if page := public.Get("/services/" + id).Body; strings.Contains(page, "answered at once") {
			t.Error("the refused import changed the directory")
		}
		res2, err := directory.ImportWith(ctx, in.App.DB, d, "changed.json", directory.ImportOptions{Force: true})
		if err != nil || len(res2.Overwritten) != 1 {
			t.Fatalf("forced import: %+v %v", res2, err)
		}
		expect(t, "after the forced import", public.Get("/services/"+id), 200, "answered at once")
		expect(t, "history after import", c.Get(entry+"/history"), 200, "Version 4 (published now)", "Imported from changed.json, by psu")
		if _, err := directory.Import(ctx, in.App.DB, d, "changed.json", nil); err != nil {
			t.Errorf("a second import, with no edit since, is refused: %v", err)
		}
	})
}

// escaped is s as html/template writes it in a page.
func escaped(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", `"`, "&#34;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func exportJSON(t *testing.T, db *store.DB) string {
	t.Helper()
	d, err := directory.Export(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := hsds.WriteDataset(&b, d); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func exportNDJSON(t *testing.T, db *store.DB) string {
	t.Helper()
	var b bytes.Buffer
	if err := directory.ExportNDJSON(context.Background(), db, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

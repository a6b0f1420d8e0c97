package directory_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/webtest"
)

// TestPagesInABrowserWithoutJavaScript uses the directory as a trainee on a
// locked-down browser would: JavaScript off, every page checked with axe
// against WCAG 2.2 A and AA.
func TestPagesInABrowserWithoutJavaScript(t *testing.T) {
	b := webtest.New(t)
	in := apptest.Start(t, store.SQLite)
	tab := b.Tab(t, webtest.NoJS())

	tab.Visit(in.URL + "/services")
	tab.Axe()
	if tab.ScriptsRan() {
		t.Fatal("JavaScript ran in a tab that has it off")
	}
	tab.Fill("#q", "can't cope")
	tab.Click("form[action='/services'] > button[type=submit]")
	if !strings.Contains(tab.URL(), "q=can%27t+cope") {
		t.Errorf("the search is not in the address: %s", tab.URL())
	}
	if got := tab.Text(".psu-card h3"); got != "BMA Counselling Service and Doctors Advisory Service" {
		t.Errorf("first result %q", got)
	}
	tab.Axe()

	// Filters: open the details, tick "Open 24 hours", apply.
	tab.Check(".psu-filters summary")
	tab.Check("#open-1")
	tab.Click(".psu-filters button[type=submit]")
	if !strings.Contains(tab.URL(), "open=24h") {
		t.Errorf("the filter is not in the address: %s", tab.URL())
	}
	if got := tab.Text("#results"); !strings.HasPrefix(got, "2 services") {
		t.Errorf("with open 24 hours: %q", got)
	}
	tab.Axe()

	// Add the first result to the list; the page comes back saying so.
	tab.Click(".psu-list-action button")
	if got := tab.Text(".nhsuk-notification-banner__heading"); !strings.Contains(got, "is on your list") {
		t.Errorf("after adding: %q", got)
	}
	tab.Axe()

	// A bad address: the error summary, axe-clean.
	tab.Visit(in.URL + "/services?q=drink&need=nonsense")
	if got := tab.Text(".nhsuk-error-summary"); !strings.Contains(got, "Choose what you need help with") {
		t.Errorf("error summary: %q", got)
	}
	tab.Axe()

	// No results: the 24-hour lines.
	tab.Visit(in.URL + "/services?q=xylophone")
	if !strings.Contains(tab.Text(".psu-talk-now"), "0370 444 5163") {
		t.Error("no 24-hour lines when nothing is found")
	}
	tab.Axe()

	// A service page, added to the list from there.
	ids, err := directory.NewIndex().Search(context.Background(), in.App.DB, directory.Query{Text: "Practitioner Health", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	tab.Visit(in.URL + "/services/" + ids.IDs[0])
	tab.Axe()
	tab.Click(".psu-list-action button")
	ids, _ = directory.NewIndex().Search(context.Background(), in.App.DB, directory.Query{Text: "Gamcare", Limit: 1})
	tab.Visit(in.URL + "/services/" + ids.IDs[0])
	tab.Click(".psu-list-action button")

	// Report a problem: the form and its errors.
	tab.Click("a[href$='/report-a-problem']")
	tab.Axe()
	tab.Click("form button[type=submit]")
	if !strings.Contains(tab.Text(".nhsuk-error-summary"), "Choose what is wrong") {
		t.Error("no error summary on an empty report")
	}
	tab.Axe()

	// The list, the e-mail form's errors, and the print view.
	tab.Visit(in.URL + "/my-list")
	if n := strings.Count(tab.HTML(), `class="nhsuk-card psu-card"`); n != 3 {
		t.Errorf("%d services on the list, want 3", n)
	}
	tab.Axe()
	tab.Fill("#email", "not an address")
	tab.Click("form[action='/my-list/email'] button")
	if !strings.Contains(tab.Text(".nhsuk-error-summary"), "right format") {
		t.Error("no error summary for a bad address")
	}
	tab.Axe()

	tab.Visit(in.URL + "/my-list/print")
	tab.Axe()
	page := tab.HTML()
	for _, not := range []string{"nhsuk-header", "nhsuk-footer", "Skip to main content", "Need help now?"} {
		if strings.Contains(page, not) {
			t.Errorf("the print view has %q", not)
		}
	}
	for _, want := range []string{"08459 200 169", "020 3049 4505", "Gamcare"} {
		if !strings.Contains(page, want) {
			t.Errorf("the print view lacks %q", want)
		}
	}
	// One page: at the browser's 1024 px width, A4 is 1448 px tall.
	dir := os.Getenv("PSU_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	shot := filepath.Join(dir, "directory-print.png")
	tab.Screenshot(shot)
	raw, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if h, w := img.Bounds().Dy(), img.Bounds().Dx(); h > w*297/210 {
		t.Errorf("the print view is %d×%d px: longer than one A4 page", w, h)
	}
	t.Logf("print view screenshot: %s", shot)
}

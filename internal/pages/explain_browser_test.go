package pages_test

import (
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/pages"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/webtest"
)

// The pages that explain the service, and the administrators' page of
// adviser biographies (a draft waiting, published, a removal confirmed),
// pass axe in Chromium.
func TestExplanatoryPagesInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	admin := in.CreateStaff(t, web.RoleAdministrator)
	tab := webtest.New(t).Tab(t, webtest.NoJS())
	for _, path := range []string{"/how-it-works", "/guidance/applicants", "/advisers"} {
		tab.Visit(in.URL + path)
		if tab.Text("h1") == "" {
			t.Errorf("%s has no heading", path)
		}
		tab.Axe()
	}

	// A biography carried over from before advisers wrote their own, and an
	// adviser's draft with a photo, waiting.
	ctx, now := t.Context(), store.Now()
	if _, err := in.App.DB.ExecContext(ctx, `INSERT INTO adviser_bios (id, state, name, role, background, created_at, updated_at, published_at)
		VALUES (?, 'published', 'Dr Robin Example', 'Associate Dean', 'A GP educator.', ?, ?, ?)`, store.NewID(), now, now, now); err != nil {
		t.Fatal(err)
	}
	adviser := in.CreateStaff(t, web.RoleAdviser)
	err := in.App.DB.Tx(ctx, func(tx *store.Tx) error {
		_, err := pages.SaveDraft(ctx, tx, adviser.ID, pages.Bio{Role: "Consultant Psychiatrist", Background: "Twenty years in adult psychiatry.",
			HelpsWith: "Wellbeing and stress.", Languages: "English", Meets: []string{"phone", "zoom"}},
			pages.PhotoChange{New: &pages.Photo{Content: pngPhoto(t), ContentType: "image/png"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	tab.Visit(in.URL + "/sign-in?next=/admin/advisers")
	tab.Fill("#email", admin.Email)
	tab.Fill("#password", admin.Password)
	tab.Click("form button[type=submit]")
	tab.Fill("#code", apptest.CodeFor(t, admin.Secret))
	tab.Click("form button[type=submit]")
	if got := tab.Text("h1"); got != "Adviser biographies" {
		t.Fatalf("after sign-in: %q at %s", got, tab.URL())
	}
	tab.Axe()
	tab.Click(`form[action$="/publish"] button`)
	if got := tab.Text(".nhsuk-notification-banner__heading"); !strings.Contains(got, "is now on the advisers page") {
		t.Errorf("banner %q", got)
	}
	tab.Axe()
	tab.Click(`a[href$="/delete"]`)
	if got := tab.Text("h1"); got != "Remove Dr Robin Example from the advisers page?" {
		t.Errorf("delete confirmation h1 = %q", got)
	}
	tab.Axe()

	tab.Visit(in.URL + "/advisers")
	if main := tab.Text("main"); !strings.Contains(main, "Consultant Psychiatrist") || !strings.Contains(main, "Dr Robin Example") {
		t.Error("the biographies are not on the public page")
	}
	tab.Axe()
}

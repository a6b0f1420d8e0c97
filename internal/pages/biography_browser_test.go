package pages_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/webtest"
)

// An adviser writes their biography with a photo in a real browser, with
// JavaScript on and off, on both engines; a file that is not a photo comes
// back with a message and the text kept; once an administrator publishes
// it, the advisers page shows it with the photo. Every page passes axe.
func TestBiographyInChromium(t *testing.T) {
	b := webtest.New(t)
	dir := t.TempDir()
	photo, notPhoto := filepath.Join(dir, "me.png"), filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(photo, pngPhoto(t), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(notPhoto, []byte("not a photo at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, e := range storetest.Engines {
		for _, mode := range []struct {
			name string
			opts []webtest.Option
		}{{"javascript on", nil}, {"javascript off", []webtest.Option{webtest.NoJS()}}} {
			t.Run(string(e)+"/"+mode.name, func(t *testing.T) {
				in := apptest.Start(t, e)
				staff := in.CreateStaff(t, web.RoleAdviser)
				tab := b.Tab(t, mode.opts...)
				tab.Visit(in.URL + "/sign-in")
				tab.Fill("#email", staff.Email)
				tab.Fill("#password", staff.Password)
				tab.Click("form button[type=submit]")
				tab.Fill("#code", apptest.CodeFor(t, staff.Secret))
				tab.Click("form button[type=submit]")

				tab.Visit(in.URL + "/account")
				tab.Click(`a[href="/account/biography"]`)
				if got := tab.Text("h1"); got != "Your biography" {
					t.Fatalf("h1 = %q", got)
				}
				tab.Axe()
				tab.Fill("#role", "Associate Dean")
				tab.Fill("#background", "A GP educator for many years.")
				tab.Fill("#languages", "English and Welsh")
				tab.Check("#meets")
				tab.Check("#meets-teams")
				tab.Upload("#photo", notPhoto)
				tab.Click("form[action='/account/biography'] button[type=submit]")
				if got := tab.Text(".nhsuk-error-summary__list"); !strings.Contains(got, "JPEG or PNG") {
					t.Errorf("error summary = %q", got)
				}
				if html := tab.HTML(); !strings.Contains(html, `value="Associate Dean"`) || !strings.Contains(html, "A GP educator for many years.</textarea>") {
					t.Error("typed text lost after the refused file")
				}
				tab.Axe()

				tab.Upload("#photo", photo)
				tab.Click("form[action='/account/biography'] button[type=submit]")
				if got := tab.Text("#bio-status"); !strings.Contains(got, "waiting for an administrator") {
					t.Errorf("status after saving = %q", got)
				}
				tab.Axe()

				admin := in.Client(t)
				admin.SignIn(in.CreateStaff(t, web.RoleAdministrator))
				m := regexp.MustCompile(`action="/admin/advisers/([0-9a-f-]{36})/publish"`).FindStringSubmatch(admin.Get("/admin/advisers").Body)
				if m == nil {
					t.Fatal("nothing waiting to be published")
				}
				admin.Post("/admin/advisers/"+m[1]+"/publish", nil)

				tab.Visit(in.URL + "/advisers")
				if got := tab.Text(".nhsuk-card__heading"); got != staff.Name {
					t.Errorf("card heading = %q", got)
				}
				if w := tab.Eval(`String(document.querySelector(".nhsuk-card img").naturalWidth)`); w != "40" {
					t.Errorf("photo's width in the browser = %s, want 40", w)
				}
				tab.Axe()
			})
		}
	}
}

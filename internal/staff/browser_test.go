package staff_test

import (
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/webtest"
)

// The staff pages and the invitation, in a real browser with and without
// JavaScript, on both engines: an administrator finds the staff list from
// the staff home, invites someone with two roles (after a form with
// errors), is refused removing their own, last, administrator role; the
// invitee follows the e-mailed link, is refused a weak password, sets up
// their authenticator and lands signed in. Every page passes axe.
func TestStaffPagesInChromium(t *testing.T) {
	b := webtest.New(t)
	for _, e := range storetest.Engines {
		for _, mode := range []struct {
			name string
			opts []webtest.Option
		}{{"javascript on", nil}, {"javascript off", []webtest.Option{webtest.NoJS()}}} {
			t.Run(string(e)+"/"+mode.name, func(t *testing.T) {
				in := apptest.Start(t, e)
				a := in.CreateStaff(t, web.RoleAdministrator)
				in.CreateStaff(t, web.RoleAdviser)

				tab := b.Tab(t, mode.opts...)
				tab.Visit(in.URL + "/sign-in")
				tab.Fill("#email", a.Email)
				tab.Fill("#password", a.Password)
				tab.Click("form button[type=submit]")
				tab.Fill("#code", apptest.CodeFor(t, a.Secret))
				tab.Click("form button[type=submit]")
				tab.Click(`a[href="/admin/staff"]`)
				if got := tab.Text("h1"); got != "Staff accounts" {
					t.Fatalf("h1 %q at %s", got, tab.URL())
				}
				if list := tab.Text("#staff"); !strings.Contains(list, "Test Adviser") || !strings.Contains(list, a.Email) {
					t.Errorf("the list:\n%s", list)
				}
				tab.Axe()

				tab.Click("#invite")
				tab.Axe()
				tab.Fill("#email", "not an address")
				tab.Click("#send-invitation")
				summary := tab.Text(".nhsuk-error-summary")
				for _, want := range []string{"Enter their full name", "right format", "Select at least one role"} {
					if !strings.Contains(summary, want) {
						t.Errorf("error summary lacks %q: %s", want, summary)
					}
				}
				tab.Axe()
				tab.Fill("#name", "Nerys Quillfeather")
				tab.Fill("#email", "nerys.quillfeather@example.nhs.uk")
				tab.Check("#role-triage_lead")
				tab.Check("#role-adviser")
				tab.Click("#send-invitation")
				if got := tab.Text(".nhsuk-notification-banner__heading"); !strings.Contains(got, "We have sent Nerys Quillfeather an invitation") {
					t.Errorf("banner %q", got)
				}
				if got := tab.Text("#member-roles"); got != "Triage lead, Adviser" {
					t.Errorf("roles %q", got)
				}
				tab.Axe()

				tab.Visit(in.URL + "/admin/staff/" + a.ID)
				tab.Check("#role") // untick administrator
				tab.Check("#role-adviser")
				tab.Click("#save-roles")
				if got := tab.Text(".nhsuk-error-summary"); !strings.Contains(got, "only active administrator") {
					t.Errorf("last administrator: %q", got)
				}
				tab.Axe()

				link := inviteLink(t, mailTo(t, in.SMTP, 1, "nerys.quillfeather@example.nhs.uk"))
				it := webtest.New(t).Tab(t, mode.opts...)
				it.Visit(in.URL + link)
				if got := it.Text("h1"); got != "Set up your staff account" {
					t.Fatalf("link page h1 %q", got)
				}
				it.Axe()
				it.Click("#continue")
				if strings.Contains(it.URL(), link) {
					t.Errorf("the link is still the address after continuing: %s", it.URL())
				}
				it.Axe()
				it.Fill("#password", "password1234")
				it.Fill("#confirm", "password1234")
				it.Click("#save-password")
				if got := it.Text("#password-error"); !strings.Contains(got, "too common") {
					t.Errorf("weak password: %q", got)
				}
				it.Axe()
				it.Fill("#password", goodPassword)
				it.Fill("#confirm", goodPassword)
				it.Click("#save-password")
				if got := it.Text("h1"); got != "Set up your authenticator app" {
					t.Fatalf("after the password: %q", got)
				}
				it.Axe()
				it.Fill("#code", apptest.CodeFor(t, apptest.SecretOnPage(t, it.HTML())))
				it.Click("form button[type=submit]")
				if got := it.Text("h1"); got != "Hello, Nerys Quillfeather" {
					t.Fatalf("after setting up: %q at %s", got, it.URL())
				}
				it.Visit(in.URL + link)
				if got := it.Text("h1"); got != "This invitation link does not work" {
					t.Errorf("the link again: %q", got)
				}
				it.Axe()

				tab.Visit(in.URL + "/admin/staff")
				if list := tab.Text("#staff"); !strings.Contains(list, "Nerys Quillfeather") || strings.Contains(list, "Invited") {
					t.Errorf("the list after accepting:\n%s", list)
				}
			})
		}
	}
}

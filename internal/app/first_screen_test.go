package app_test

import (
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/webtest"
)

// istID is the Individual Support Team in the seed directory.
const istID = "01a2011f-88d1-7ebd-bd56-5f92402c5f59"

// publicPages are the public pages a person reads, by route pattern, with
// the address visited for each; the test below fails on a public page
// route missing here, so a new page is measured too.
var publicPages = map[string]string{
	"GET /{$}":                            "/",
	"GET /accessibility":                  "/accessibility",
	"GET /advisers":                       "/advisers",
	"GET /apply":                          "/apply",
	"GET /apply/resume":                   "/apply/resume",
	"GET /apply/sent":                     "/apply/sent",
	"GET /confidentiality":                "/confidentiality",
	"GET /contact":                        "/contact",
	"GET /cookies":                        "/cookies",
	"GET /eligibility":                    "/eligibility",
	"GET /eligibility/{question}":         "/eligibility/region",
	"GET /eligibility/result":             "/eligibility/result",
	"GET /feedback-sent":                  "/feedback-sent",
	"GET /guidance/applicants":            "/guidance/applicants",
	"GET /how-it-works":                   "/how-it-works",
	"GET /my-list":                        "/my-list",
	"GET /portal/sign-in":                 "/portal/sign-in",
	"GET /privacy":                        "/privacy",
	"GET /reading":                        "/reading",
	"GET /referrers":                      "/referrers",
	"GET /referrers/notify":               "/referrers/notify",
	"GET /referrers/notify/sent":          "/referrers/notify/sent",
	"GET /services":                       "/services?q=failed+my+exam",
	"GET /shared/summary":                 "/shared/summary",
	"GET /services/{id}":                  "/services/" + istID,
	"GET /services/{id}/report-a-problem": "/services/" + istID + "/report-a-problem",
	"GET /sign-in":                        "/sign-in",
	"GET /signed-out":                     "/signed-out",
	"GET /who-can-apply":                  "/who-can-apply",
}

// notReadPages are public routes that are not pages a person reads in the
// layout: machine answers, files, redirects, links from e-mails that need
// a token, the print view (no layout, by design), staff sign-in steps and
// advisers' photos.
var notReadPages = []string{"/api/", "/static/", "/assets/", "/favicon.ico", "/directory.css", "/healthz", "/readyz",
	"{token}", "/invitation/", "/sign-in/", "/my-list/print", "/guidance/referrers", "/shared/summary.pdf", "/photo"}

// On a 390 × 844 phone, JavaScript on and off, and on a desktop, every
// public page shows the urgent-help line within the first screen, with its
// numbers as links a phone can call or text, and the page's own heading
// still in that screen below it. Each phone view passes axe.
func TestUrgentHelpIsInTheFirstScreenInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	for _, r := range in.App.Web.Router.Routes() {
		if r.Perm != web.Public || !strings.HasPrefix(r.Pattern, "GET ") {
			continue
		}
		skip := false
		for _, s := range notReadPages {
			skip = skip || strings.Contains(r.Pattern, s)
		}
		if _, ok := publicPages[r.Pattern]; !ok && !skip {
			t.Errorf("public page %s is not measured: add it to publicPages", r.Pattern)
		}
	}
	b := webtest.New(t)
	for _, tc := range []struct {
		name string
		opts []webtest.Option
		axe  bool
	}{
		{"phone", []webtest.Option{webtest.Viewport(390, 844)}, true},
		{"phone without javascript", []webtest.Option{webtest.Viewport(390, 844), webtest.NoJS()}, true},
		{"desktop", []webtest.Option{webtest.Viewport(1280, 800)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := b.Tab(t, tc.opts...)
			for pattern, path := range publicPages {
				tab.Visit(in.URL + path)
				screen := tab.ViewportHeight()
				line := tab.Box(".psu-urgent")
				h1 := tab.Box("h1")
				if line.Bottom > screen {
					t.Errorf("%s (%s): the urgent-help line ends at %.0f px, below the first screen (%.0f px)", path, pattern, line.Bottom, screen)
				}
				if line.Height > screen/6 {
					t.Errorf("%s: the urgent-help line is %.0f px tall, more than a sixth of the screen", path, line.Height)
				}
				if h1.Bottom > screen*0.6 {
					t.Errorf("%s: the page's heading ends at %.0f px, pushed low in a %.0f px screen", path, h1.Bottom, screen)
				}
				if path == "/" || pattern == "GET /services" {
					t.Logf("%s: urgent line %.0f–%.0f px, heading ends %.0f px, screen %.0f px", path, line.Top, line.Bottom, h1.Bottom, screen)
				}
				html := tab.HTML()
				for _, want := range []string{`href="tel:116123"`, `href="tel:111"`, `href="tel:999"`, `href="sms:85258?body=SHOUT"`} {
					if !strings.Contains(html, want) {
						t.Errorf("%s lacks %s", path, want)
					}
				}
				if got := tab.Text(".psu-urgent"); !strings.Contains(got, "mental health option") || !strings.Contains(got, "A&E") {
					t.Errorf("%s: urgent-help line reads %q", path, got)
				}
				if tc.axe {
					tab.Axe()
				}
			}
		})
	}
}

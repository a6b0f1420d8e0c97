package directory_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/webtest"
)

// maxCardHeight is how tall a result card may be on a 390 px phone.
const maxCardHeight = 200

// On a 390 × 844 phone, with JavaScript on and off: result cards are at
// most 200 px tall for common searches; a crisis search (misspelt too)
// shows the urgent care card above the results; adding a service to the
// list comes back to the same card in view; the service page's back link
// returns to the same search with its filters; the Individual Support
// Team's card and page lead to the eligibility check. Every page is
// axe-clean.
func TestResultsOnAPhoneInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	b := webtest.New(t)
	for _, tc := range []struct {
		name string
		opts []webtest.Option
		card string // a different one each run: the tabs share one session
	}{
		{"javascript on", []webtest.Option{webtest.Viewport(390, 844)}, "5"},
		{"javascript off", []webtest.Option{webtest.Viewport(390, 844), webtest.NoJS()}, "6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := b.Tab(t, tc.opts...)
			tallest := 0.0
			for _, q := range []string{"failed my exam", "mental health", "money", "drinking", "bullying", "wellbeing", "surgeon", "gambling"} {
				tab.Visit(in.URL + "/services?q=" + strings.ReplaceAll(q, " ", "+"))
				cards := tab.Boxes(".psu-card")
				if len(cards) == 0 {
					t.Errorf("%q: no results", q)
				}
				for i, c := range cards {
					tallest = max(tallest, c.Height)
					if c.Height > maxCardHeight {
						t.Errorf("%q: card %d is %.0f px tall", q, i+1, c.Height)
					}
				}
			}
			t.Logf("tallest result card at 390 px: %.0f px", tallest)

			// The filters are folded away on a phone, even when one is chosen.
			tab.Visit(in.URL + "/services?q=stress&who=doctor")
			if open := strings.Contains(tab.HTML(), `class="nhsuk-details psu-filters" open`); open {
				t.Error("the filters are open on a phone")
			}
			tab.Axe()

			for _, q := range []string{"suicidal", "sucidal", "want to die", "kil myself", "self harm", "I can't go on"} {
				tab.Visit(in.URL + "/services?q=" + strings.ReplaceAll(q, " ", "+"))
				card := tab.Box(".psu-crisis")
				first := tab.Box(".psu-card")
				if card.Bottom > first.Top {
					t.Errorf("%q: the urgent card is not above the results", q)
				}
				if html := tab.HTML(); !strings.Contains(html, "nhsuk-card--care--urgent psu-crisis") || !strings.Contains(html, `href="tel:116123"`) {
					t.Errorf("%q: no urgent care card with Samaritans", q)
				}
			}
			tab.Axe()
			tab.Visit(in.URL + "/services?q=exam+stress")
			if strings.Contains(tab.HTML(), "psu-crisis") {
				t.Error("the urgent card shows for a search that is not a crisis")
			}

			// Add a result far down: back on the same search, that card in view.
			tab.Visit(in.URL + "/services?q=mental+health&who=doctor")
			tab.Click(".psu-card:nth-of-type(" + tc.card + ") .psu-list-action button")
			u := tab.URL()
			if !strings.Contains(u, "q=mental+health") || !strings.Contains(u, "who=doctor") || !strings.Contains(u, "#service-") {
				t.Fatalf("after adding: %s", u)
			}
			id := u[strings.Index(u, "#")+1:]
			card := tab.Box("#" + id)
			top := tab.ScrollY()
			if card.Top < top-2 || card.Top > top+tab.ViewportHeight() {
				t.Errorf("the card added is at %.0f px, not in view (%.0f px scrolled)", card.Top, top)
			}
			if got := tab.Text("#" + id); !strings.Contains(got, "Remove from my list") {
				t.Errorf("the card does not say it is on the list: %q", got)
			}
			tab.Axe()

			// From a result to its page and back to the same search.
			tab.Click("#" + id + " h3 a")
			tab.Click(".nhsuk-back-link")
			if u := tab.URL(); !strings.Contains(u, "q=mental+health") || !strings.Contains(u, "who=doctor") {
				t.Errorf("the back link went to %s", u)
			}

			// The Individual Support Team leads to the eligibility check.
			tab.Visit(in.URL + "/services?q=dyslexia")
			if got := tab.Text(".psu-card h3"); got != "Individual Support Team" {
				t.Errorf("first for dyslexia: %q", got)
			}
			tab.Click(".psu-card .psu-card__apply")
			if !strings.HasSuffix(tab.URL(), "/eligibility") {
				t.Errorf("the card's apply link went to %s", tab.URL())
			}
			tab.Visit(in.URL + "/services/01a2011f-88d1-7ebd-bd56-5f92402c5f59")
			tab.Click(".psu-start")
			if !strings.HasSuffix(tab.URL(), "/eligibility") {
				t.Errorf("the page's start button went to %s", tab.URL())
			}

			// Another nation's service, shown below, says where it is for.
			tab.Visit(in.URL + "/services?q=mental+health")
			if !strings.Contains(tab.HTML(), "Wales only") {
				t.Error("no card says it is for Wales only")
			}
			tab.Axe()
		})
	}
}

// Once the list holds something, the header links to it with the count,
// JavaScript on or off.
func TestHeaderLinksToMyListInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	tab := webtest.New(t).Tab(t, webtest.NoJS(), webtest.Viewport(390, 844))
	tab.Visit(in.URL + "/services?q=gambling")
	if strings.Contains(tab.HTML(), `id="header-my-list"`) {
		t.Error("the header links to an empty list")
	}
	tab.Click(".psu-card .psu-list-action button")
	if got := tab.Text("#header-my-list"); got != "My list (1)" {
		t.Errorf("header link %q", got)
	}
	tab.Visit(in.URL + "/")
	if got := tab.Text("#header-my-list"); got != "My list (1)" {
		t.Errorf("on the home page, header link %q", got)
	}
	tab.Axe()
}

// The print view has a Print button with JavaScript on (and says how to
// print without it), and prints numbers as text, not as "(Link: tel:…)".
func TestPrintViewInChromium(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	b := webtest.New(t)
	for _, js := range []bool{true, false} {
		opts := []webtest.Option{}
		if !js {
			opts = append(opts, webtest.NoJS())
		}
		tab := b.Tab(t, opts...)
		tab.Visit(in.URL + "/services?q=gambling")
		tab.Click(".psu-card .psu-list-action button")
		tab.Visit(in.URL + "/my-list/print")
		tab.Axe()
		shown := tab.Eval(`String(!document.querySelector('[data-psu-print]').hidden)`)
		if shown != fmt.Sprint(js) {
			t.Errorf("javascript %v: print button shown %s", js, shown)
		}
		tab.EmulatePrint()
		after := tab.Eval(`Array.from(document.querySelectorAll('a')).map(a => getComputedStyle(a, '::after').content).filter(c => c.includes('Link')).join('|')`)
		if after != "" {
			t.Errorf("links print their addresses: %s", after)
		}
	}
}

package eligibility_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

var checkedRE = regexp.MustCompile(`<input[^>]*value="([^"]*)"[^>]* checked`)

// checked returns the value of the radio button ticked on a page.
func checked(body string) string {
	m := checkedRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

var backRE = regexp.MustCompile(`<a class="nhsuk-back-link" href="([^"]*)"`)

func backLink(body string) string {
	m := backRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// sessionProbe registers a route that shows what the application will read
// from the session: the raw values under the two agreed keys.
func sessionProbe(t *testing.T, in *apptest.Instance) {
	in.App.Web.Router.Handle("GET /test/eligibility-session", web.Public, func(w http.ResponseWriter, r *http.Request) {
		sm := in.App.Web.Sessions
		_, _, ok := eligibility.FromSession(r.Context(), sm)
		web.WriteJSON(w, http.StatusOK, map[string]any{
			"answers":  sm.GetString(r.Context(), eligibility.KeyAnswers),
			"decision": sm.GetString(r.Context(), eligibility.KeyDecision),
			"complete": ok,
		})
	})
}

type probe struct {
	Answers  string `json:"answers"`
	Decision string `json:"decision"`
	Complete bool   `json:"complete"`
}

func readProbe(t *testing.T, c *apptest.Client) probe {
	t.Helper()
	var p probe
	if err := json.Unmarshal([]byte(c.Get("/test/eligibility-session").Body), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckerKeepsAnswersAndHandsThemToTheApplication(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	sessionProbe(t, in)
	c := in.Client(t)

	// Nothing answered yet: every later page leads back to the first question.
	for _, p := range []string{"/eligibility/programme", "/eligibility/band", "/eligibility/training-number", "/eligibility/result"} {
		if res := c.Get(p); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/eligibility/region" {
			t.Errorf("GET %s with no answers: %d %s", p, res.StatusCode, res.Header.Get("Location"))
		}
	}
	for _, p := range []string{"/eligibility/nothing", "/eligibility/training_number"} {
		if res := c.Get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
		}
	}

	a := med("london", "doctor", "core", true)
	res := walk(t, c, a)
	if !strings.Contains(res.Body, "You can apply to the Individual Support Team") {
		t.Fatal("not eligible")
	}
	// Seeing the result again decides nothing new.
	var before, after int
	count := `SELECT COUNT(*) FROM eligibility_decisions`
	store.Scan(in.App.DB.QueryRowContext(t.Context(), count), &before)
	c.Get("/eligibility/result")
	store.Scan(in.App.DB.QueryRowContext(t.Context(), count), &after)
	if after != before {
		t.Errorf("viewing the result again recorded %d more decisions", after-before)
	}
	p := readProbe(t, c)
	if !p.Complete {
		t.Fatalf("FromSession does not see a finished check: %+v", p)
	}
	var answers map[string]any
	json.Unmarshal([]byte(p.Answers), &answers)
	if want := map[string]any{"region": "london", "profession": "doctor", "programme": "core", "training_number": true}; !mapsEqual(answers, want) {
		t.Errorf("%s = %s", eligibility.KeyAnswers, p.Answers)
	}
	var decision map[string]any
	json.Unmarshal([]byte(p.Decision), &decision)
	if want := map[string]any{"rule_id": "training-number-holder", "rule_version": float64(1), "eligible": true, "route": "ist"}; !mapsEqual(decision, want) {
		t.Errorf("%s = %s", eligibility.KeyDecision, p.Decision)
	}

	// Back links go one question back and every page shows the answer given.
	for _, step := range []struct{ path, back, value string }{
		{"/eligibility/region", "/eligibility", "london"},
		{"/eligibility/profession", "/eligibility/region", "doctor"},
		{"/eligibility/programme", "/eligibility/profession", "core"},
		{"/eligibility/training-number", "/eligibility/programme", "true"},
	} {
		res := c.Get(step.path)
		if res.StatusCode != http.StatusOK || backLink(res.Body) != step.back || checked(res.Body) != step.value {
			t.Errorf("GET %s: %d, back %q, checked %q; want back %q, checked %q", step.path, res.StatusCode, backLink(res.Body), checked(res.Body), step.back, step.value)
		}
	}

	// Going back and confirming an answer walks forward through the rest,
	// each already answered.
	res = c.Post("/eligibility/region", url.Values{"answer": {"london"}})
	if res.Header.Get("Location") != "/eligibility/profession" {
		t.Errorf("confirming the region leads to %q", res.Header.Get("Location"))
	}

	// Changing the profession drops the answers that no longer apply; the
	// decision is withdrawn until the check is finished again.
	res = c.Post("/eligibility/profession", url.Values{"answer": {"nurse"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/eligibility/programme" {
		t.Fatalf("changing profession: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if p := readProbe(t, c); p.Complete || p.Answers != "" || p.Decision != "" {
		t.Errorf("decision kept after an answer changed: %+v", p)
	}
	if res := c.Get("/eligibility/programme"); checked(res.Body) != "" || !strings.Contains(res.Body, "Preceptorship") {
		t.Errorf("programme page for a nurse: checked %q", checked(res.Body))
	}
	if res := c.Get("/eligibility/result"); res.Header.Get("Location") != "/eligibility/programme" {
		t.Errorf("result with a question open: %s", res.Header.Get("Location"))
	}
	if res := c.Get("/eligibility/training-number"); res.Header.Get("Location") != "/eligibility/programme" {
		t.Errorf("training number question for a nurse: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res = walk(t, c, nb("london", "nurse", "preceptorship", 4))
	if !strings.Contains(res.Body, "This service is not the right one for you") {
		t.Error("band 4 nurse is eligible")
	}
	if p := readProbe(t, c); !strings.Contains(p.Decision, `"rule_id":"nurse-ahp-outside-band-range"`) || !strings.Contains(p.Answers, `"band":4`) {
		t.Errorf("session after second check: %+v", p)
	}
}

func mapsEqual(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A page sent without an answer (or with one not offered) comes back with
// the error summary, the message by the question, and status 422.
func TestCheckerErrors(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	for _, v := range []url.Values{{}, {"answer": {"manchester"}}} {
		res := c.Post("/eligibility/region", v)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%v: %d", v, res.StatusCode)
		}
		for _, want := range []string{"<title>Error: ", "There is a problem", `<a href="#answer">Select where you work or train.</a>`, `id="answer-error"`, `aria-describedby="answer-error"`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("%v: page lacks %q", v, want)
			}
		}
	}
	c.Post("/eligibility/region", url.Values{"answer": {"kss"}})
	c.Post("/eligibility/profession", url.Values{"answer": {"nurse"}})
	c.Post("/eligibility/programme", url.Values{"answer": {"preceptorship"}})
	res := c.Post("/eligibility/band", url.Values{"answer": {"8a"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Select your band.") {
		t.Errorf("band 8a: %d", res.StatusCode)
	}
	// The answers before the mistake are all still there.
	if got := checked(c.Get("/eligibility/programme").Body); got != "preceptorship" {
		t.Errorf("programme after an error: %q", got)
	}
}

// Every rule version the checker used is the one recorded and kept.
func TestCheckerDecisionsUseTheRulesInUse(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	doc := strings.Replace(string(eligibility.DefaultJSON()), `"version": 1`, `"version": 2`, 1)
	doc = strings.Replace(doc, `"band": {"min": 5, "max": 8}`, `"band": {"min": 4, "max": 8}`, 1)
	err := in.App.DB.Tx(t.Context(), func(tx *store.Tx) error {
		_, err := eligibility.Publish(t.Context(), tx, []byte(doc), eligibility.SourceCommandLine, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	res := walk(t, in.Client(t), nb("kss", "allied-health-professional", "specialist-development", 4))
	if !strings.Contains(res.Body, "You can apply") {
		t.Error("band 4 not eligible under version 2")
	}
	if d := latestDecision(t, in.App.DB); d.version != 2 || d.rule != "nurse-ahp-band-5-to-8-on-scheme" {
		t.Errorf("decision %+v", d)
	}
	body := in.Client(t).Get("/who-can-apply").Body
	if !strings.Contains(body, "at bands 4 to 8") || strings.Contains(body, "at bands 5 to 8") {
		t.Error("who can apply does not follow the rules in use")
	}
}

func TestWhoCanApplyIsWrittenFromTheRules(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	res := in.Client(t).Get("/who-can-apply")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%d", res.StatusCode)
	}
	summary := eligibility.Default().Summary()
	if len(summary) != 6 {
		t.Fatalf("%d groups", len(summary))
	}
	for _, g := range summary {
		wants := append([]string{g.Text}, g.Exceptions...)
		if len(g.Programmes) > 1 {
			wants = append(append([]string{g.Lead}, g.Programmes...), g.Exceptions...)
		}
		for _, want := range wants {
			if !strings.Contains(res.Body, htmlText(want)) {
				t.Errorf("page lacks %q", want)
			}
		}
	}
	for _, want := range []string{"Foundation trainees in Kent, Surrey and Sussex are supported by the KSS Professional Support and Wellbeing Service", `href="/eligibility"`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace(s)
}

// Pages offered in this order, with these labels, match the engine's lists.
func TestQuestionPagesOfferTheEngineOptions(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	c.Post("/eligibility/region", url.Values{"answer": {"london"}})
	c.Post("/eligibility/profession", url.Values{"answer": {"pharmacist"}})
	body := c.Get("/eligibility/programme").Body
	var values []string
	for _, m := range regexp.MustCompile(`name="answer" type="radio" value="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		values = append(values, m[1])
	}
	var want []string
	for _, o := range eligibility.Programmes("pharmacist") {
		want = append(want, o.Value)
		if !strings.Contains(body, htmlText(o.Label)) {
			t.Errorf("label %q missing", o.Label)
		}
	}
	if !slices.Equal(values, want) {
		t.Errorf("options %v, want %v", values, want)
	}
}

// Who can apply names every exclusion of the source, each with where to go
// instead, as directory pages that exist.
func TestWhoCanApplyNamesEveryExclusion(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	body := c.Get("/who-can-apply").Body
	for _, want := range []string{"(SAS) doctors", "after CCT", "Foundation doctors and dentists in Kent, Surrey and Sussex",
		"Londonwide Medical Committee", "British Medical Association", "NHS Practitioner Health", "KSS Professional Support &amp; Wellbeing Service"} {
		if !strings.Contains(body, want) {
			t.Errorf("who can apply lacks %q", want)
		}
	}
	// How to reach each, from the directory, or a plain word that it
	// holds no contact details.
	if !strings.Contains(body, `href="tel:02030494505"`) || !strings.Contains(body, "our directory does not have a phone number, e-mail address or website for it") {
		t.Error("who can apply does not say how to reach the services")
	}
	for _, id := range []string{"01a2011f-88d1-7e13-91f2-48654848bbdd", "01a2011f-88d1-7ea9-83ab-1850863fa274", "01a2011f-88d1-7eb1-af27-fe9ce86bdae6", "01a2011f-88d1-7eb6-9e27-9db58eb84fa8"} {
		if !strings.Contains(body, `href="/services/`+id+`"`) {
			t.Errorf("no link to %s", id)
		}
		if res := c.Get("/services/" + id); res.StatusCode != http.StatusOK {
			t.Errorf("/services/%s → %d", id, res.StatusCode)
		}
	}
}

// The checker asks only what decides: it goes to the result as soon as the
// answers so far decide, records the decision with the questions not asked
// left empty, and hands those answers to the application.
func TestCheckerStopsAsSoonAsTheRulesDecide(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			sessionProbe(t, in)
			c := in.Client(t)

			// Scotland: one question, then the result, which names the
			// nation's unit and links to the directory's services there.
			res := c.Post("/eligibility/region", url.Values{"answer": {"scotland"}})
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/eligibility/result" {
				t.Fatalf("after Scotland: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			page := c.Get("/eligibility/result")
			for _, want := range []string{"Scotland Deanery support for trainees", "Our directory does not have a phone number, e-mail address or website for this service", `href="/services?where=scotland"`} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("Scotland result lacks %q", want)
				}
			}
			if d := latestDecision(t, in.App.DB); d != (lastDecision{"web", "outside-area-scotland", 1, false, "signpost"}) {
				t.Errorf("decision %+v", d)
			}
			var profession, programme string
			if err := store.Scan(in.App.DB.QueryRowContext(t.Context(), `SELECT profession, programme FROM eligibility_decisions ORDER BY id DESC LIMIT 1`), &profession, &programme); err != nil || profession != "" || programme != "" {
				t.Errorf("recorded profession %q programme %q (%v), want both empty", profession, programme, err)
			}
			if p := readProbe(t, c); !p.Complete {
				t.Errorf("FromSession does not see the finished check: %+v", p)
			}
			// A later question is not needed: it leads to the result.
			if res := c.Get("/eligibility/profession"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/eligibility/result" {
				t.Errorf("GET profession after Scotland: %d %s", res.StatusCode, res.Header.Get("Location"))
			}

			// Elsewhere in England: NHS Practitioner Health with its phone
			// number from the directory, and the national entry.
			c.Post("/eligibility/region", url.Values{"answer": {"england-other"}})
			page = c.Get("/eligibility/result")
			for _, want := range []string{"Support through your specialty or foundation school", "NHS Practitioner Health", `href="tel:02030494505"`, `href="/services?where=england"`} {
				if !strings.Contains(page.Body, want) {
					t.Errorf("England result lacks %q", want)
				}
			}

			// "Something else" in London: no page with a single choice.
			c.Post("/eligibility/region", url.Values{"answer": {"london"}})
			res = c.Post("/eligibility/profession", url.Values{"answer": {"other"}})
			if res.Header.Get("Location") != "/eligibility/result" {
				t.Errorf("after \"something else\": %s", res.Header.Get("Location"))
			}
			if d := latestDecision(t, in.App.DB); d.rule != "not-on-covered-programme" {
				t.Errorf("decision %+v", d)
			}

			// A doctor on the Retainer scheme is not asked for a number.
			c.Post("/eligibility/profession", url.Values{"answer": {"doctor"}})
			res = c.Post("/eligibility/programme", url.Values{"answer": {"retainer"}})
			if res.Header.Get("Location") != "/eligibility/result" {
				t.Errorf("after the Retainer scheme: %s", res.Header.Get("Location"))
			}
			if page := c.Get("/eligibility/result"); !strings.Contains(page.Body, "You can apply to the Individual Support Team") {
				t.Error("a Retainer doctor is not eligible")
			}
			if p := readProbe(t, c); !p.Complete || strings.Contains(p.Answers, "training_number") {
				t.Errorf("handed to the application: %+v", p)
			}

			// "I am not sure" of the number: eligible, and the team checks.
			c.Post("/eligibility/programme", url.Values{"answer": {"core"}})
			if page := c.Get("/eligibility/training-number"); !strings.Contains(page.Body, `value="not-sure"`) || !strings.Contains(page.Body, "I am not sure") {
				t.Fatal("no \"I am not sure\" answer")
			}
			res = c.Post("/eligibility/training-number", url.Values{"answer": {"not-sure"}})
			if res.Header.Get("Location") != "/eligibility/result" {
				t.Fatalf("after not sure: %s", res.Header.Get("Location"))
			}
			page = c.Get("/eligibility/result")
			if !strings.Contains(page.Body, "You can apply to the Individual Support Team") || !strings.Contains(page.Body, "not sure whether you hold") {
				t.Error("not sure: no eligible result that says the team will check")
			}
			if checked(c.Get("/eligibility/training-number").Body) != "not-sure" {
				t.Error("the not sure answer is not shown again")
			}
			var tn *bool
			if err := store.Scan(in.App.DB.QueryRowContext(t.Context(), `SELECT training_number FROM eligibility_decisions ORDER BY id DESC LIMIT 1`), &tn); err != nil || tn != nil {
				t.Errorf("training number recorded as %v (%v), want empty", tn, err)
			}
		})
	}
}

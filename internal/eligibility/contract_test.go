package eligibility_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// Directory service ids the default rules point to.
const (
	idLMC          = "01a2011f-88d1-7e13-91f2-48654848bbdd"
	idBMA          = "01a2011f-88d1-7ea9-83ab-1850863fa274"
	idPH           = "01a2011f-88d1-7eb1-af27-fe9ce86bdae6"
	idKSSWellbeing = "01a2011f-88d1-7eb6-9e27-9db58eb84fa8"
	idPSULondon    = "01a2011f-88d1-7eba-8d40-c5cd3e97b5d3"
	idIST          = "01a2011f-88d1-7ebd-bd56-5f92402c5f59"
	idScotland     = "01a2011f-88d1-7ec2-b612-6d1a27e4ed46"
	idWales        = "01a2011f-88d1-7ec6-9ad7-9f8eba67b215"
	idNI           = "01a2011f-88d1-7ecc-8cf1-feb0912ad410"
	idSchools      = "82d51a5e-01bc-5372-964c-6098e58d384c"
)

func band(n int) *int    { return &n }
func yesno(b bool) *bool { return &b }

func med(region, profession, programme string, number bool) eligibility.Answers {
	return eligibility.Answers{Region: region, Profession: profession, Programme: programme, TrainingNumber: yesno(number)}
}

func nb(region, profession, programme string, b int) eligibility.Answers {
	return eligibility.Answers{Region: region, Profession: profession, Programme: programme, Band: band(b)}
}

func plain(region, profession, programme string) eligibility.Answers {
	return eligibility.Answers{Region: region, Profession: profession, Programme: programme}
}

type contractCase struct {
	name      string
	a         eligibility.Answers
	eligible  bool
	route     string
	rule      string
	signposts []string
}

// contract is the eligibility contract of the source document (000): every
// group it names, every exception and every place it sends people, with
// the edges (bands 4, 5, 8, 9; with and without a training number).
var contract = []contractCase{
	// Doctors and dentists with a London or KSS training number, foundation to CCT.
	{"london doctor foundation with number", med("london", "doctor", "foundation", true), true, "ist", "training-number-holder", []string{idIST}},
	{"london dentist foundation with number", med("london", "dentist", "foundation", true), true, "ist", "training-number-holder", []string{idIST}},
	{"kss doctor core with number", med("kss", "doctor", "core", true), true, "ist", "training-number-holder", []string{idIST}},
	{"london doctor specialty with number", med("london", "doctor", "specialty", true), true, "ist", "training-number-holder", []string{idIST}},
	{"kss doctor gp specialty with number", med("kss", "doctor", "gp-specialty", true), true, "ist", "training-number-holder", []string{idIST}},
	{"kss dentist specialty with number", med("kss", "dentist", "specialty", true), true, "ist", "training-number-holder", []string{idIST}},
	// KSS foundation trainees: the KSS Professional Support & Wellbeing Service.
	{"kss doctor foundation with number", med("kss", "doctor", "foundation", true), false, "kss-professional-support-wellbeing", "kss-foundation", []string{idKSSWellbeing}},
	{"kss doctor foundation without number", med("kss", "doctor", "foundation", false), false, "kss-professional-support-wellbeing", "kss-foundation", []string{idKSSWellbeing}},
	{"kss dentist foundation with number", med("kss", "dentist", "foundation", true), false, "kss-professional-support-wellbeing", "kss-foundation", []string{idKSSWellbeing}},
	// In training without a London or KSS number.
	{"london doctor core without number", med("london", "doctor", "core", false), false, "signpost", "training-without-london-kss-number", []string{idPH}},
	{"kss dentist specialty without number", med("kss", "dentist", "specialty", false), false, "signpost", "training-without-london-kss-number", []string{idPH}},
	// SAS and completed training: Londonwide Medical Committee, BMA, Practitioner Health.
	{"london doctor sas", med("london", "doctor", "sas", true), false, "signpost", "sas-or-completed-training-doctor", []string{idLMC, idBMA, idPH}},
	{"kss doctor completed training", med("kss", "doctor", "completed-training", false), false, "signpost", "sas-or-completed-training-doctor", []string{idLMC, idBMA, idPH}},
	{"london dentist sas", med("london", "dentist", "sas", false), false, "signpost", "sas-or-completed-training-dentist", []string{idPH}},
	// Workforce schemes: I&R, Retainer, IGPR, CAPS, MSW.
	{"london doctor induction and refresher", med("london", "doctor", "induction-returner", false), true, "ist", "doctor-workforce-scheme", []string{idIST}},
	{"kss doctor retainer", med("kss", "doctor", "retainer", false), true, "ist", "doctor-workforce-scheme", []string{idIST}},
	{"london doctor igpr", med("london", "doctor", "international-gp-recruitment", true), true, "ist", "doctor-workforce-scheme", []string{idIST}},
	{"kss doctor caps", med("kss", "doctor", "clinical-apprenticeship", false), true, "ist", "doctor-workforce-scheme", []string{idIST}},
	{"london doctor msw", med("london", "doctor", "medical-support-worker", false), true, "ist", "doctor-workforce-scheme", []string{idIST}},
	{"london dentist on a doctors' scheme", med("london", "dentist", "retainer", true), false, "signpost", "doctor-dentist-not-covered", []string{idPH}},
	{"kss doctor on no programme", med("kss", "doctor", "none", false), false, "signpost", "doctor-dentist-not-covered", []string{idPH}},
	// Nurses and allied health professionals, bands 5 to 8, on a recognised scheme.
	{"london nurse preceptorship band 4", nb("london", "nurse", "preceptorship", 4), false, "signpost", "nurse-ahp-outside-band-range", []string{idPSULondon}},
	{"london nurse preceptorship band 5", nb("london", "nurse", "preceptorship", 5), true, "ist", "nurse-ahp-band-5-to-8-on-scheme", []string{idIST}},
	{"kss nurse specialist development band 8", nb("kss", "nurse", "specialist-development", 8), true, "ist", "nurse-ahp-band-5-to-8-on-scheme", []string{idIST}},
	{"kss ahp preceptorship band 9", nb("kss", "allied-health-professional", "preceptorship", 9), false, "signpost", "nurse-ahp-outside-band-range", []string{idPSULondon}},
	{"london ahp specialist development band 6", nb("london", "allied-health-professional", "specialist-development", 6), true, "ist", "nurse-ahp-band-5-to-8-on-scheme", []string{idIST}},
	{"london nurse band 6 on no scheme", nb("london", "nurse", "none", 6), false, "signpost", "not-on-covered-programme", []string{idPSULondon}},
	// Pharmacy.
	{"london pre-registration pharmacist", plain("london", "pharmacist", "pre-registration"), true, "ist", "pharmacist-in-training", []string{idIST}},
	{"kss foundation pharmacist", plain("kss", "pharmacist", "foundation"), true, "ist", "pharmacist-in-training", []string{idIST}},
	{"london gp pathway pharmacist", plain("london", "pharmacist", "gp-pathway"), true, "ist", "pharmacist-in-training", []string{idIST}},
	{"kss pharmacist not in training", plain("kss", "pharmacist", "none"), false, "signpost", "not-on-covered-programme", []string{idPSULondon}},
	{"london trainee pharmacy technician", plain("london", "pharmacy-technician", "pre-registration"), true, "ist", "pharmacy-technician-in-training", []string{idIST}},
	{"kss pharmacy technician not in training", plain("kss", "pharmacy-technician", "none"), false, "signpost", "not-on-covered-programme", []string{idPSULondon}},
	// Healthcare science.
	{"london stp", plain("london", "healthcare-scientist", "stp"), true, "ist", "healthcare-scientist-in-training", []string{idIST}},
	{"kss hsst", plain("kss", "healthcare-scientist", "hsst"), true, "ist", "healthcare-scientist-in-training", []string{idIST}},
	// Anyone else in London and KSS.
	{"london other", plain("london", "other", "none"), false, "signpost", "not-on-covered-programme", []string{idPSULondon}},
	// Outside London and KSS: their nation's or region's support.
	{"scotland doctor specialty with number", med("scotland", "doctor", "specialty", true), false, "signpost", "outside-area-scotland", []string{idScotland}},
	{"wales pharmacist foundation", plain("wales", "pharmacist", "foundation"), false, "signpost", "outside-area-wales", []string{idWales}},
	{"northern ireland nurse band 6", nb("northern-ireland", "nurse", "preceptorship", 6), false, "signpost", "outside-area-northern-ireland", []string{idNI}},
	{"england doctor core with number", med("england-other", "doctor", "core", true), false, "signpost", "outside-area-england", []string{idSchools, idPH}},
	{"england dentist foundation", med("england-other", "dentist", "foundation", true), false, "signpost", "outside-area-england", []string{idSchools, idPH}},
	{"england scientist stp", plain("england-other", "healthcare-scientist", "stp"), false, "signpost", "outside-area-england", []string{idSchools, idPH}},
}

// The table covers every rule of the rules in use.
func TestContractTableCoversEveryRule(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range contract {
		covered[c.rule] = true
	}
	for _, r := range eligibility.Default().Rules() {
		if !covered[r.ID] {
			t.Errorf("rule %q has no case in the contract table", r.ID)
		}
	}
}

// requestBody is the API request for a, exactly as another system sends it.
func requestBody(a eligibility.Answers) []byte {
	m := map[string]any{"region": a.Region, "profession": a.Profession, "programme": a.Programme}
	if a.Band != nil {
		m["band"] = *a.Band
	}
	if a.TrainingNumber != nil {
		m["training_number"] = *a.TrainingNumber
	}
	b, _ := json.Marshal(m)
	return b
}

func postJSON(t *testing.T, c *apptest.Client, body []byte) apptest.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.Base+"/api/v1/eligibility", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	return apptest.Response{Response: res, Body: buf.String()}
}

// formValue is how the web checker's radio buttons send an answer.
func formValue(a eligibility.Answers, q string) string {
	switch q {
	case eligibility.QuestionRegion:
		return a.Region
	case eligibility.QuestionProfession:
		return a.Profession
	case eligibility.QuestionProgramme:
		return a.Programme
	case eligibility.QuestionBand:
		return strconv.Itoa(*a.Band)
	}
	return strconv.FormatBool(*a.TrainingNumber)
}

func pathOf(q string) string { return "/eligibility/" + strings.ReplaceAll(q, "_", "-") }

// walk answers the checker page by page, as a person would, checking that
// each answer leads to the next question and the last to the result.
func walk(t *testing.T, c *apptest.Client, a eligibility.Answers) apptest.Response {
	t.Helper()
	// The questions shown: one with a single possible answer is answered
	// for the person.
	var qs []string
	for _, q := range eligibility.QuestionsFor(a) {
		if len(a.Options(q)) != 1 {
			qs = append(qs, q)
		}
	}
	var soFar eligibility.Answers
	for i, q := range qs {
		if res := c.Get(pathOf(q)); res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", pathOf(q), res.StatusCode)
		}
		res := c.Post(pathOf(q), url.Values{"answer": {formValue(a, q)}})
		soFar = answersUpTo(a, q)
		// As soon as the answers so far decide, the checker stops.
		_, settled := eligibility.Default().Settled(soFar)
		want := "/eligibility/result"
		if !settled && i+1 < len(qs) {
			want = pathOf(qs[i+1])
		}
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
			t.Fatalf("answering %s: %d to %q, want 303 to %q\n%s", q, res.StatusCode, res.Header.Get("Location"), want, res.Body)
		}
		if settled {
			break
		}
	}
	res := c.Get("/eligibility/result")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("result: %d", res.StatusCode)
	}
	return res
}

// answersUpTo keeps the answers to q and the questions before it, and any
// single-choice question straight after.
func answersUpTo(a eligibility.Answers, q string) eligibility.Answers {
	qs := eligibility.QuestionsFor(a)
	end := slices.Index(qs, q)
	for end+1 < len(qs) && len(a.Options(qs[end+1])) == 1 {
		end++
	}
	var b eligibility.Answers
	for _, x := range qs[:end+1] {
		switch x {
		case eligibility.QuestionRegion:
			b.Region = a.Region
		case eligibility.QuestionProfession:
			b.Profession = a.Profession
		case eligibility.QuestionProgramme:
			b.Programme = a.Programme
		case eligibility.QuestionBand:
			b.Band = a.Band
		case eligibility.QuestionTrainingNumber:
			b.TrainingNumber, b.TrainingNumberNotSure = a.TrainingNumber, a.TrainingNumberNotSure
		}
	}
	return b
}

type lastDecision struct {
	channel, rule string
	version       int
	eligible      bool
	route         string
}

func latestDecision(t *testing.T, db *store.DB) lastDecision {
	t.Helper()
	var d lastDecision
	err := store.Scan(db.QueryRowContext(context.Background(), `SELECT channel, rule_id, rule_version, eligible, route
		FROM eligibility_decisions ORDER BY id DESC LIMIT 1`), &d.channel, &d.rule, &d.version, &d.eligible, &d.route)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Every case of the contract, through the JSON API and through the web
// checker, on both engines: the same outcome, and a recorded decision
// naming the rule and the rules version.
func TestContractThroughAPIAndWebChecker(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			api := in.Client(t)
			for _, tc := range contract {
				t.Run(tc.name, func(t *testing.T) {
					want := eligibility.Default().Decide(tc.a)

					// The API.
					res := postJSON(t, api, requestBody(tc.a))
					if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
						t.Fatalf("API: %d %s\n%s", res.StatusCode, res.Header.Get("Content-Type"), res.Body)
					}
					var keys map[string]json.RawMessage
					if err := json.Unmarshal([]byte(res.Body), &keys); err != nil {
						t.Fatalf("API body %q: %v", res.Body, err)
					}
					if len(keys) != 4 || keys["eligible"] == nil || keys["route"] == nil || keys["reasons"] == nil || keys["signposts"] == nil {
						t.Errorf("API body keys: %s", res.Body)
					}
					var got struct {
						Eligible  bool                   `json:"eligible"`
						Route     string                 `json:"route"`
						Reasons   []string               `json:"reasons"`
						Signposts []eligibility.Signpost `json:"signposts"`
					}
					json.Unmarshal([]byte(res.Body), &got)
					ids := []string{}
					for _, s := range got.Signposts {
						ids = append(ids, s.ID)
					}
					if got.Eligible != tc.eligible || got.Route != tc.route || !slices.Equal(ids, tc.signposts) {
						t.Errorf("API: eligible %v route %q signposts %v; want %v %q %v", got.Eligible, got.Route, ids, tc.eligible, tc.route, tc.signposts)
					}
					if !slices.Equal(got.Reasons, want.Reasons) || len(got.Reasons) == 0 {
						t.Errorf("API reasons %q, want %q", got.Reasons, want.Reasons)
					}
					if d := latestDecision(t, in.App.DB); d != (lastDecision{"api", tc.rule, 1, tc.eligible, tc.route}) {
						t.Errorf("API decision recorded as %+v, want rule %q version 1", d, tc.rule)
					}

					// The web checker, one page per question. It offers a
					// dentist only the dental programmes; the API accepts the
					// doctors' schemes too.
					if !slices.ContainsFunc(tc.a.Options(eligibility.QuestionProgramme), func(o eligibility.Option) bool { return o.Value == tc.a.Programme }) {
						return
					}
					page := walk(t, in.Client(t), tc.a)
					heading := "This service is not the right one for you"
					if tc.eligible {
						heading = "You can apply to the Individual Support Team"
					}
					if !strings.Contains(page.Body, heading) {
						t.Errorf("web result lacks %q", heading)
					}
					if tc.eligible != strings.Contains(page.Body, `href="/apply"`) {
						t.Errorf("web result: link to /apply shown = %v, want %v", !tc.eligible, tc.eligible)
					}
					for _, r := range want.Reasons {
						if !strings.Contains(page.Body, html.EscapeString(r)) {
							t.Errorf("web result lacks the reason %q", r)
						}
					}
					if !tc.eligible {
						for _, s := range want.Signposts {
							if !strings.Contains(page.Body, html.EscapeString(s.Name)) {
								t.Errorf("web result lacks the signpost %q", s.Name)
							}
							// Linked to the directory's page once the directory serves one.
							if linked := strings.Contains(page.Body, `href="/services/`+s.ID+`"`); linked != in.App.Web.Router.Has("/services/{id}") {
								t.Errorf("web result: signpost %q linked = %v", s.Name, linked)
							}
						}
						if slices.Contains(tc.signposts, idPH) && !strings.Contains(page.Body, `href="tel:02030494505"`) {
							t.Errorf("web result lacks NHS Practitioner Health's phone number from the directory")
						}
					}
					if d := latestDecision(t, in.App.DB); d != (lastDecision{"web", tc.rule, 1, tc.eligible, tc.route}) {
						t.Errorf("web decision recorded as %+v, want rule %q version 1", d, tc.rule)
					}
				})
			}
		})
	}
}

// Bad requests get 400 with the field to fix, as JSON, on both engines.
func TestAPIRejectsBadRequests(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			c := in.Client(t)
			for _, tc := range []struct{ name, body, field string }{
				{"malformed", `{"region": "london",`, ""},
				{"empty", ``, ""},
				{"not an object", `["london"]`, ""},
				{"missing region", `{"profession":"other","programme":"none"}`, "region"},
				{"unknown region", `{"region":"paris","profession":"other","programme":"none"}`, "region"},
				{"unknown profession", `{"region":"london","profession":"vet","programme":"none"}`, "profession"},
				{"programme of another profession", `{"region":"london","profession":"pharmacist","programme":"stp"}`, "programme"},
				{"band as text", `{"region":"london","profession":"nurse","programme":"preceptorship","band":"6"}`, "band"},
				{"band out of range", `{"region":"london","profession":"nurse","programme":"preceptorship","band":10}`, "band"},
				{"band for a doctor", `{"region":"london","profession":"doctor","programme":"core","training_number":true,"band":6}`, "band"},
				{"training number missing", `{"region":"london","profession":"doctor","programme":"core"}`, "training_number"},
				{"training number as text", `{"region":"london","profession":"doctor","programme":"core","training_number":"yes"}`, "training_number"},
				{"unknown field", `{"region":"london","profession":"other","programme":"none","name":"Dr Who"}`, "name"},
			} {
				res := postJSON(t, c, []byte(tc.body))
				var got map[string]string
				if err := json.Unmarshal([]byte(res.Body), &got); err != nil {
					t.Errorf("%s: body %q is not a JSON object of text: %v", tc.name, res.Body, err)
					continue
				}
				if res.StatusCode != http.StatusBadRequest || got["field"] != tc.field || got["error"] == "" || len(got) != 2 {
					t.Errorf("%s: %d %s, want 400 with field %q", tc.name, res.StatusCode, res.Body, tc.field)
				}
			}
			var n int
			store.Scan(in.App.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM eligibility_decisions`), &n)
			if n != 0 {
				t.Errorf("%d decisions recorded for bad requests", n)
			}
			if res := c.Get("/api/v1/eligibility"); res.StatusCode != http.StatusMethodNotAllowed || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				t.Errorf("GET: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
		})
	}
}

// Names are written as they are: "&" stays "&" for the systems that read
// the API.
func TestAPIDoesNotEscapeHTML(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	res := postJSON(t, in.Client(t), requestBody(med("kss", "doctor", "foundation", true)))
	if !strings.Contains(res.Body, `"KSS Professional Support & Wellbeing Service"`) || strings.Contains(res.Body, `\u0026`) {
		t.Errorf("body %s", res.Body)
	}
}

// One address sending far more than any real system would is told to wait.
func TestAPIRateLimit(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	body := requestBody(plain("london", "other", "none"))
	var res apptest.Response
	for i := 0; i < 301; i++ {
		res = postJSON(t, c, body)
		if i < 300 && res.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, res.StatusCode)
		}
	}
	var got map[string]string
	json.Unmarshal([]byte(res.Body), &got)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || got["error"] == "" {
		t.Errorf("request 301: %d %s", res.StatusCode, res.Body)
	}
}

package portal

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/sharing"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// What "My data" gives a trainee: everything psu holds about their case,
// as a JSON file and as a zip with their documents and summaries.
//
// Staff notes are left out on purpose. UK GDPR's right of access covers
// what staff wrote about a trainee too, but those notes can hold other
// people's information (a supervisor, a colleague), which the law lets the
// unit withhold or redact. A download has no one to make that judgement,
// so it says the notes exist and how to ask for them, and the unit answers
// that request by hand. Everything else is here: the timeline (what
// happened and when, who did it, and the trainee's own words), but not the
// reasons staff typed for their own actions, nor who declared a conflict
// or opened a restricted case (those are about staff, not the trainee).

// MyData is the JSON file, as a trainee downloads it.
type MyData struct {
	About        string          `json:"about"`
	MadeAt       time.Time       `json:"made_at"`
	Case         MyCase          `json:"case"`
	Applications []MyApplication `json:"applications"`
	Documents    []MyDocument    `json:"documents"`
	Appointments []MyAppointment `json:"appointments"`
	Plan         *MyPlan         `json:"plan,omitempty"`
	Summaries    []MySummary     `json:"summaries"`
	Consents     []MyConsent     `json:"consents"`
	Shares       []MyShare       `json:"summary_shares"`
	Timeline     []MyEvent       `json:"timeline"`
	Erasure      []MyErasure     `json:"erasure_requests"`
	StaffNotes   string          `json:"staff_notes"`
	docs         []application.Document
}

// MyCase is the case itself.
type MyCase struct {
	Reference   string     `json:"reference"`
	Status      string     `json:"status"`
	StatusSince time.Time  `json:"status_since"`
	OpenedAt    time.Time  `json:"opened_at"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	ResponseDue *time.Time `json:"response_due,omitempty"`
	ContactedAt *time.Time `json:"first_contacted_at,omitempty"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	Outcome     string     `json:"outcome,omitempty"`
	Adviser     string     `json:"adviser,omitempty"`
	Name        string     `json:"name,omitempty"`
	Email       string     `json:"email,omitempty"`
}

// MyApplication is one application, with every answer as it was sent.
type MyApplication struct {
	Reference   string                   `json:"reference"`
	SubmittedAt time.Time                `json:"submitted_at"`
	Answers     *application.Application `json:"answers"`
}

// MyDocument is one document the trainee sent.
type MyDocument struct {
	Name        string    `json:"name"`
	Kind        string    `json:"kind"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size_bytes"`
	AddedAt     time.Time `json:"added_at"`
	InZip       string    `json:"file_in_zip"`
}

// MyAppointment is one appointment.
type MyAppointment struct {
	Start   time.Time `json:"start"`
	Minutes int       `json:"minutes"`
	How     string    `json:"how"`
	Place   string    `json:"place,omitempty"`
	Phone   string    `json:"phone,omitempty"`
	Link    string    `json:"join_link,omitempty"`
	Adviser string    `json:"adviser,omitempty"`
	Status  string    `json:"status"`
	Next    string    `json:"next_step,omitempty"`
}

// MyPlan is the plan agreed after the one-to-one.
type MyPlan struct {
	Kind      string   `json:"kind"`
	ReviewDue string   `json:"review_due,omitempty"`
	Goals     []MyGoal `json:"goals"`
	Services  []string `json:"services_suggested"`
}

// MyGoal is one goal and its actions.
type MyGoal struct {
	Title   string     `json:"title"`
	Actions []MyAction `json:"actions"`
}

// MyAction is one action, with where it stands (the trainee's marks
// included).
type MyAction struct {
	What   string `json:"what"`
	Who    string `json:"who"`
	Due    string `json:"due,omitempty"`
	Status string `json:"status"`
}

// MySummary is one issued version of the written summary.
type MySummary struct {
	Version  int       `json:"version"`
	IssuedAt time.Time `json:"issued_at"`
	InZip    string    `json:"file_in_zip"`
}

// MyConsent is one consent, with the words shown.
type MyConsent struct {
	Purpose     string     `json:"purpose"`
	Wording     string     `json:"wording"`
	Channel     string     `json:"channel"`
	GivenAt     time.Time  `json:"given_at"`
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
}

// MyShare is one share of the written summary, with every time the
// person opened or downloaded it.
type MyShare struct {
	Version   int               `json:"version"`
	Recipient sharing.Recipient `json:"shared_with"`
	SharedAt  time.Time         `json:"shared_at"`
	Expires   time.Time         `json:"link_expires_at"`
	EndedAt   *time.Time        `json:"stopped_at,omitempty"`
	Opens     []MyOpen          `json:"opened"`
}

// MyOpen is one time a shared summary was opened or downloaded.
type MyOpen struct {
	At   time.Time `json:"at"`
	What string    `json:"what"`
}

// MyEvent is one entry of the case's timeline.
type MyEvent struct {
	At     time.Time `json:"at"`
	What   string    `json:"what"`
	By     string    `json:"by,omitempty"`
	From   string    `json:"from_status,omitempty"`
	To     string    `json:"to_status,omitempty"`
	Detail string    `json:"detail,omitempty"`
	Words  string    `json:"your_words,omitempty"`
}

// MyErasure is a request to erase the record.
type MyErasure struct {
	AskedAt   time.Time  `json:"asked_at"`
	Reason    string     `json:"reason,omitempty"`
	Status    string     `json:"status"`
	DecidedAt *time.Time `json:"decided_at,omitempty"`
	Answer    string     `json:"answer,omitempty"`
}

// Timeline kinds that are about staff rather than the trainee.
var staffOnlyEvents = map[string]bool{cases.EventConflict: true, cases.EventBreakGlass: true}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// safeName makes a document's name safe as a path inside a zip: no
// folders, no control characters, never empty.
func safeName(n string) string {
	n = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, n)
	n = strings.Trim(n, ". ")
	if n == "" {
		n = "document"
	}
	return n
}

// myData gathers everything about c.
func (h *handlers) myData(ctx context.Context, c *cases.Case) (*MyData, error) {
	unit, err := settings.UnitName(ctx, h.srv.DB)
	if err != nil {
		return nil, err
	}
	d := &MyData{
		About: "Everything the " + unit + "'s case system (psu) holds about your case, made when you asked for it. " +
			"Times are in UTC.",
		MadeAt:       h.store.clock(),
		Applications: []MyApplication{},
		Documents:    []MyDocument{},
		Appointments: []MyAppointment{},
		Summaries:    []MySummary{},
		Consents:     []MyConsent{},
		Timeline:     []MyEvent{},
		Erasure:      []MyErasure{},
		StaffNotes: "Notes the unit's staff wrote about your case are not in this download, because they can mention other people. " +
			"You have the right to a copy: ask the unit, and we will send them to you, leaving out only what is about someone else.",
	}
	adviser, err := h.store.Cases.AdviserName(ctx, h.srv.DB, c)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	name, err := h.store.Cases.Name(c)
	if err != nil {
		return nil, err
	}
	email, err := h.store.Cases.Email(c)
	if err != nil {
		return nil, err
	}
	d.Case = MyCase{Reference: c.Reference, Status: ProgressOf(c, nil).Status, StatusSince: c.StatusAt, OpenedAt: c.OpenedAt,
		SubmittedAt: timePtr(c.SubmittedAt), ResponseDue: timePtr(c.ResponseDue), ContactedAt: timePtr(c.RespondedAt),
		ClosedAt: timePtr(c.ClosedAt), Outcome: c.Outcome, Adviser: adviser, Name: name, Email: email}

	// Applications, opened from their sealed answers as the case page
	// opens them, and their documents.
	rows, err := h.srv.DB.QueryContext(ctx, `SELECT id FROM applications WHERE case_id = ? ORDER BY submitted_at, id`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("portal: my data: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("portal: my data: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("portal: my data: %w", err)
	}
	for _, id := range ids {
		a, err := h.store.Applications.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		d.Applications = append(d.Applications, MyApplication{Reference: a.Reference, SubmittedAt: a.SubmittedAt, Answers: &a})
		for _, doc := range a.Documents {
			label, _ := application.DocumentKindLabel(doc.Kind)
			d.docs = append(d.docs, doc)
			d.Documents = append(d.Documents, MyDocument{Name: doc.Name, Kind: label, ContentType: doc.ContentType, Size: doc.Size,
				AddedAt: doc.CreatedAt, InZip: fmt.Sprintf("documents/%02d %s", len(d.docs), safeName(doc.Name))})
		}
	}

	if h.store.Appointments != nil {
		list, err := h.store.Appointments.ForCase(ctx, h.srv.DB, c)
		if err != nil {
			return nil, err
		}
		for _, ap := range list {
			m := MyAppointment{Start: ap.Start, Minutes: ap.Minutes, How: ap.How.Label(), Phone: ap.Number, Link: ap.Link,
				Adviser: ap.AdviserName, Status: ap.Status.Label(), Next: ap.NextStep}
			if ap.Room != nil {
				m.Place = ap.Room.Label()
			}
			d.Appointments = append(d.Appointments, m)
		}
	}

	versions, err := h.store.Plans.Versions(ctx, c)
	if err != nil {
		return nil, err
	}
	for i := len(versions) - 1; i >= 0; i-- {
		v := versions[i]
		d.Summaries = append(d.Summaries, MySummary{Version: v.Number, IssuedAt: v.IssuedAt,
			InZip: fmt.Sprintf("summaries/psu-summary-v%d.pdf", v.Number)})
	}
	// The plan reaches the trainee with the written summary, as on the
	// plan page.
	if len(versions) > 0 {
		p, err := h.store.Plans.Plan(ctx, h.srv.DB, c)
		if err != nil {
			return nil, err
		}
		mp := &MyPlan{Kind: p.Kind.Label(), ReviewDue: string(p.ReviewDue), Goals: []MyGoal{}, Services: []string{}}
		for _, g := range p.Goals {
			mg := MyGoal{Title: g.Title, Actions: []MyAction{}}
			for _, a := range g.Actions {
				mg.Actions = append(mg.Actions, MyAction{What: a.What, Who: a.Who, Due: string(a.Due), Status: a.Status.Label()})
			}
			mp.Goals = append(mp.Goals, mg)
		}
		for _, s := range p.Services {
			mp.Services = append(mp.Services, s.Name)
		}
		d.Plan = mp
	}

	ks, err := consent.List(ctx, h.srv.DB, c.ID)
	if err != nil {
		return nil, err
	}
	for _, k := range ks {
		mc := MyConsent{Purpose: k.Purpose.Phrase(), Wording: k.WordingText, Channel: channelWords(k.Channel), GivenAt: k.GivenAt}
		if !k.Current() {
			mc.WithdrawnAt = timePtr(k.WithdrawnAt)
		}
		d.Consents = append(d.Consents, mc)
	}
	shares, err := h.store.Sharing.Shares(ctx, c)
	if err != nil {
		return nil, err
	}
	d.Shares = []MyShare{}
	for _, sh := range shares {
		ms := MyShare{Version: sh.Version, Recipient: sh.Recipient, SharedAt: sh.Created, Expires: sh.Expires, Opens: []MyOpen{}}
		if !sh.Ended.IsZero() {
			ms.EndedAt = timePtr(sh.Ended)
		}
		for _, o := range sh.Opens {
			ms.Opens = append(ms.Opens, MyOpen{At: o.At, What: o.What})
		}
		d.Shares = append(d.Shares, ms)
	}

	events, err := h.store.Cases.Timeline(ctx, c)
	if err != nil {
		return nil, err
	}
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		if staffOnlyEvents[e.Kind] {
			continue
		}
		me := MyEvent{At: e.At, What: e.Kind, By: e.ActorName, From: string(e.FromStatus), To: string(e.ToStatus), Detail: e.Detail}
		if e.ActorID == "" {
			me.Words = e.Sealed // the trainee's own words (a note, a mark)
		}
		d.Timeline = append(d.Timeline, me)
	}

	reqs, err := h.store.Cases.ErasureRequests(ctx, h.srv.DB, c)
	if err != nil {
		return nil, err
	}
	for _, q := range reqs {
		d.Erasure = append(d.Erasure, MyErasure{AskedAt: q.AskedAt, Reason: q.Reason, Status: string(q.Status),
			DecidedAt: timePtr(q.DecidedAt), Answer: q.Answer})
	}
	return d, nil
}

// myDataPage offers the two downloads and the request to erase.
func (h *handlers) myDataPage(w http.ResponseWriter, r *http.Request) {
	if _, c, ok := h.trainee(w, r); ok {
		h.renderMyData(w, r, http.StatusOK, c, web.NewForm(nil))
	}
}

// auditDownload records that the trainee took a copy of their data.
func (h *handlers) auditDownload(ctx context.Context, c *cases.Case, what string) error {
	return h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		return audit.Record(ctx, tx, audit.Event{ActorRole: "trainee", Action: "portal.my_data_download", TargetType: "case",
			TargetID: c.ID, CaseID: c.ID, Detail: what})
	})
}

func (d *MyData) encode() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// myDataEncoded is everything psu holds about c, and it as the JSON file.
func (h *handlers) myDataEncoded(ctx context.Context, c *cases.Case) (*MyData, []byte, error) {
	d, err := h.myData(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	b, err := d.encode()
	return d, b, err
}

// myDataJSON is everything about the trainee's case as one JSON file. It
// goes to the trainee themselves, so no consent is asked, as for their
// summary's PDF.
func (h *handlers) myDataJSON(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	_, b, err := h.myDataEncoded(ctx, c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if err := h.auditDownload(ctx, c, "json"); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="psu-my-data.json"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}

// readme is the bundle's README.txt: its heading (as readmeHeading makes
// it), the case's reference and when it was made.
const readme = `%s

This is a copy of everything the unit's case system holds about your case
%s, made on %s.

What is in it:

- psu-my-data.json: everything, in a form a computer can read: your
  application's answers, where your case stands and who your adviser is,
  your appointments, your plan, your consents with the words you saw, who
  you shared your summary with and each time they opened it, what happened
  on your case and when, and the list of the files below.
- documents/: every document you sent us, exactly as you sent it.
- summaries/: every version of your written summary, as a PDF.

Notes the unit's staff wrote about your case are not in this copy, because
they can mention other people. You have the right to see them: ask the
unit, and we will send them to you, leaving out only what is about someone
else.

Keep this file somewhere safe: it holds private information about you.
`

// readmeHeading is the README's title, naming the unit as its settings do,
// underlined.
func readmeHeading(unit string) string {
	title := "Your data from the " + unit
	return title + "\n" + strings.Repeat("=", utf8.RuneCountInString(title))
}

// myDataZip is the readable bundle: a README, the JSON file, every document
// the trainee sent and every summary PDF, each opened from its sealed
// storage.
func (h *handlers) myDataZip(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	d, js, err := h.myDataEncoded(ctx, c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	// Built whole in memory first, so a failure is a calm error page,
	// never half a file.
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	add := func(name string, content []byte) error {
		f, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: d.MadeAt})
		if err != nil {
			return err
		}
		_, err = f.Write(content)
		return err
	}
	unit, err := settings.UnitName(ctx, h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	err = add("README.txt", []byte(strings.ReplaceAll(fmt.Sprintf(readme, readmeHeading(unit), c.Reference, d.MadeAt.In(london).Format("2 January 2006 at 15:04")), "\n", "\r\n")))
	if err == nil {
		err = add("psu-my-data.json", js)
	}
	for i, doc := range d.docs {
		if err != nil {
			break
		}
		var content []byte
		if content, err = h.store.Applications.FileContent(ctx, doc.ID); err == nil {
			err = add(path.Clean(d.Documents[i].InZip), content)
		}
	}
	for _, s := range d.Summaries {
		if err != nil {
			break
		}
		var pdf []byte
		if _, pdf, err = h.store.Plans.Summary(ctx, c, s.Version); err == nil {
			err = add(s.InZip, pdf)
		}
	}
	if err == nil {
		err = z.Close()
	}
	if err == nil {
		err = h.auditDownload(ctx, c, "zip")
	}
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="psu-my-data.zip"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b.Bytes())
}

// myDataView is the "My data" page.
type myDataView struct {
	Flash   string
	Waiting *cases.ErasureRequest // a request waiting for a lead
	Last    *cases.ErasureRequest // the newest request decided
	Asked   string                // when Waiting was asked
	Decided string                // when Last was decided
	Max     int
	Years   int // how long the unit keeps an ended case
}

func (h *handlers) renderMyData(w http.ResponseWriter, r *http.Request, status int, c *cases.Case, f *web.Form) {
	reqs, err := h.store.Cases.ErasureRequests(r.Context(), h.srv.DB, c)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	years, err := cases.RetentionYears(r.Context(), h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	v := myDataView{Flash: h.flash(r), Max: cases.MaxErasureText, Years: years}
	for i := range reqs {
		e := &reqs[i]
		switch {
		case e.Status == cases.ErasureWaiting && v.Waiting == nil:
			v.Waiting, v.Asked = e, day(e.AskedAt)
		case e.Status != cases.ErasureWaiting && v.Last == nil:
			v.Last, v.Decided = e, day(e.DecidedAt)
		}
	}
	h.srv.Render(w, r, status, "portal/my_data.html", web.Page{Title: "Your data", Form: f, Data: v})
}

// askErasure records the trainee's request to erase their record, for a
// triage lead to review.
func (h *handlers) askErasure(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	_, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	f := web.NewForm(url.Values{"reason": r.PostForm["reason"]})
	reason := f.Get("reason")
	if n := utf8.RuneCountInString(reason); n > cases.MaxErasureText {
		f.Fail("reason", "Your reason must be 1,000 characters or fewer. It has "+strconv.Itoa(n)+": shorten it by "+strconv.Itoa(n-cases.MaxErasureText)+".")
	}
	if f.Valid() {
		err := h.store.Cases.RequestErasure(r.Context(), c.ID, reason)
		switch {
		case errors.Is(err, cases.ErrErasureWaiting):
			f.Fail("reason", "You have already asked us to delete your record. A lead will review that request and we will tell you what they decide.")
		case err != nil:
			h.srv.ServerError(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.renderMyData(w, r, http.StatusUnprocessableEntity, c, f)
		return
	}
	h.setFlash(r, "We have your request to delete your record. A lead will review it and we will tell you what they decide.")
	http.Redirect(w, r, "/portal/my-data", http.StatusSeeOther)
}

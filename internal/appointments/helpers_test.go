package appointments_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/mail/mailtest"
	"github.com/psu-project/psu/internal/web"
)

var ctx = context.Background()

// world is one psu with a case ready for booking: applied, assigned to
// adviser by lead, and contacted.
type world struct {
	in       *apptest.Instance
	lead     apptest.Staff
	adviser  apptest.Staff
	ref      string
	c        *cases.Case
	adviserV cases.Viewer
}

// applied submits an application as the application pages do and returns
// its reference.
func applied(t *testing.T, in *apptest.Instance, email, name string, consent bool) string {
	t.Helper()
	s := &application.Store{DB: in.App.DB, Sealer: in.App.Sealer(), Outbox: in.App.Outbox, Intake: in.App.Cases.IntakeApplication}
	d := &application.Draft{}
	if err := s.CreateDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	a, err := s.Submit(ctx, d.ID, func(*application.Draft) (application.Application, error) {
		return application.Application{Email: email, Name: name, Situation: "Wants to talk", Concerns: []string{"exams"}, ConsentCaseEmail: consent,
			RuleID: "london-doctor", RuleVersion: 1, PolicyVersion: "1"}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return a.Reference
}

// newWorld starts a world on in: a contacted case assigned to a new
// adviser.
func newWorld(t *testing.T, in *apptest.Instance) *world {
	t.Helper()
	w := &world{in: in, lead: in.CreateStaff(t, web.RoleTriageLead), adviser: in.CreateStaff(t, web.RoleAdviser)}
	w.ref = applied(t, in, "heron.applicant@example.com", "Heron Applewood", true)
	w.c = w.caseNow(t)
	leadV := cases.Viewer{UserID: w.lead.ID, Lead: true, Roles: "triage_lead"}
	if err := in.App.Cases.Assign(ctx, leadV, w.c.ID, w.adviser.ID); err != nil {
		t.Fatal(err)
	}
	w.adviserV = cases.Viewer{UserID: w.adviser.ID, Roles: "adviser"}
	if err := in.App.Cases.MarkContacted(ctx, w.adviserV, w.c.ID, "phone"); err != nil {
		t.Fatal(err)
	}
	w.c = w.caseNow(t)
	return w
}

func (w *world) caseNow(t *testing.T) *cases.Case {
	t.Helper()
	c, err := w.in.App.Cases.ByReference(ctx, w.in.App.DB, w.ref)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func expect(t *testing.T, what string, res apptest.Response, status int, has ...string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("%s: %d, want %d\n%s", what, res.StatusCode, status, res.Body)
	}
	for _, h := range has {
		if !strings.Contains(res.Body, h) {
			t.Errorf("%s: page lacks %q", what, h)
		}
	}
}

// form is a booking form for a London date and time.
func form(day time.Time, clock, minutes, how string, extra ...string) url.Values {
	v := url.Values{"date-day": {day.Format("2")}, "date-month": {day.Format("1")}, "date-year": {day.Format("2006")},
		"time": {clock}, "minutes": {minutes}, "how": {how}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

// part is one MIME leaf of a message.
type part struct {
	ContentType string
	Params      map[string]string
	Filename    string
	Data        []byte
}

// parts walks a raw message's MIME tree and returns its leaves, decoded.
func parts(t *testing.T, raw []byte) []part {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var out []part
	var walk func(h textHeader, body io.Reader)
	walk = func(h textHeader, body io.Reader) {
		ct, params, err := mime.ParseMediaType(h.Get("Content-Type"))
		if err != nil {
			t.Fatalf("Content-Type %q: %v", h.Get("Content-Type"), err)
		}
		if strings.HasPrefix(ct, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header, p)
			}
		}
		data, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
		case "base64":
			data, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(data)), ""))
			if err != nil {
				t.Fatal(err)
			}
		case "quoted-printable":
			data = decodeQP(t, data)
		}
		p := part{ContentType: ct, Params: params, Data: data}
		if _, dp, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil {
			p.Filename = dp["filename"]
		}
		out = append(out, p)
	}
	walk(msg.Header, msg.Body)
	return out
}

type textHeader interface{ Get(string) string }

// calendarIn returns the text/calendar part of m, and checks the .ics
// attachment carries the same object.
func calendarIn(t *testing.T, m mailtest.Mail) (method string, data []byte) {
	t.Helper()
	var att []byte
	for _, p := range parts(t, m.Raw) {
		switch {
		case p.ContentType == "text/calendar":
			method, data = p.Params["method"], p.Data
		case p.Filename == "invite.ics":
			att = p.Data
		}
	}
	if data == nil {
		t.Fatalf("no text/calendar part in %q", m.Subject)
	}
	if !bytes.Equal(att, data) {
		t.Errorf("%q: invite.ics differs from the text/calendar part", m.Subject)
	}
	return method, data
}

// decodeEvent parses data with go-ical, a parser that is not psu's writer.
func decodeEvent(t *testing.T, data []byte) (*ical.Calendar, *ical.Event) {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot read the invitation: %v\n%s", err, data)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	return cal, &evs[0]
}

func propText(t *testing.T, props ical.Props, name string) string {
	t.Helper()
	p := props.Get(name)
	if p == nil {
		return ""
	}
	if p.ValueType() == ical.ValueText || p.ValueType() == ical.ValueDefault {
		if s, err := p.Text(); err == nil {
			return s
		}
	}
	return p.Value
}

func signIn(t *testing.T, tab interface {
	Visit(string)
	Fill(string, string)
	Click(string)
}, base string, s apptest.Staff) {
	t.Helper()
	tab.Visit(base + "/sign-in")
	tab.Fill("#email", s.Email)
	tab.Fill("#password", s.Password)
	tab.Click("form button[type=submit]")
	tab.Fill("#code", apptest.CodeFor(t, s.Secret))
	tab.Click("form button[type=submit]")
}

func decodeQP(t *testing.T, b []byte) []byte {
	t.Helper()
	out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(b)))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// appointmentMails waits for n e-mails about appointments to reach in's
// SMTP receiver (beside the application's own) and returns them.
func appointmentMails(t *testing.T, in *apptest.Instance, n int) []mailtest.Mail {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var out []mailtest.Mail
		for _, m := range in.SMTP.Mails() {
			if strings.Contains(m.Subject, "appointment") {
				out = append(out, m)
			}
		}
		if len(out) >= n || time.Now().After(deadline) {
			if len(out) != n {
				t.Fatalf("%d e-mails about appointments, want %d", len(out), n)
			}
			return out
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// textPart is the plain text of m.
func textPart(t *testing.T, m mailtest.Mail) string {
	t.Helper()
	for _, p := range parts(t, m.Raw) {
		if p.ContentType == "text/plain" {
			return strings.ReplaceAll(string(p.Data), "\r\n", "\n")
		}
	}
	t.Fatalf("no text/plain part in %q", m.Subject)
	return ""
}

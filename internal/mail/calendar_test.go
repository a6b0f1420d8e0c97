package mail_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	psumail "github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// ics is a small invitation with a non-ASCII name, CRLF line ends and a
// folded line, as psu's appointments write them.
const ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//psu-project//psu//EN\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n" +
	"UID:abc@psu.example\r\nDTSTAMP:20270111T090000Z\r\nSEQUENCE:0\r\nDTSTART:20270329T090000Z\r\nDTEND:20270329T100000Z\r\n" +
	"SUMMARY:Appointment for Siân Łukasz-O'Brien with the Professional Support Uni\r\n t\r\n" +
	"END:VEVENT\r\nEND:VCALENDAR\r\n"

// calendarParts returns the text/calendar parts and .ics attachments of a
// raw message, decoded, with each part's Content-Type parameters.
func calendarParts(t *testing.T, raw []byte) (inline []map[string]string, data [][]byte, attached [][]byte, text string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(ctype, cte, disp string, body io.Reader)
	walk = func(ctype, cte, disp string, body io.Reader) {
		ct, params, err := mime.ParseMediaType(ctype)
		if err != nil {
			t.Fatal(err)
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
				walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p)
			}
		}
		b, _ := io.ReadAll(body)
		if strings.EqualFold(cte, "base64") {
			if b, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), "")); err != nil {
				t.Fatal(err)
			}
		}
		switch {
		case ct == "text/calendar":
			inline, data = append(inline, params), append(data, b)
		case strings.HasPrefix(disp, "attachment") && strings.Contains(disp, ".ics"):
			attached = append(attached, b)
		case ct == "text/plain":
			text = string(b)
		}
	}
	walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", msg.Body)
	return
}

// A message with a calendar reaches a real SMTP server as text beside a
// text/calendar part of its method, byte for byte (CRLF kept), and as an
// invite.ics attachment; the calendar is sealed at rest; a message without
// one is plain text as before.
func TestCalendarPartArrivesOverSMTP(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ob, srv, w := setup(t, db)
		err := db.Tx(ctx, func(tx *store.Tx) error {
			if _, err := ob.Enqueue(ctx, tx, psumail.Message{Kind: "test.invite", To: "trainee@example.org", Subject: "Your appointment",
				Text: "See the invitation.", Calendar: &psumail.Calendar{Method: "REQUEST", Data: []byte(ics)}}); err != nil {
				return err
			}
			_, err := ob.Enqueue(ctx, tx, psumail.Message{Kind: "test.plain", To: "trainee@example.org", Subject: "Plain", Text: "Just text."})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var sealed []byte
		var method string
		store.Scan(db.QueryRowContext(ctx, `SELECT calendar, calendar_method FROM outbox WHERE kind = 'test.invite'`), &sealed, &method)
		if method != "REQUEST" || len(sealed) == 0 || bytes.Contains(sealed, []byte("Siân")) || bytes.Contains(sealed, []byte("VCALENDAR")) {
			t.Errorf("the calendar is not sealed at rest (method %q)", method)
		}
		if _, err := w.DrainOnce(ctx); err != nil {
			t.Fatal(err)
		}
		for _, m := range srv.Wait(t, 2, 5*time.Second) {
			inline, data, attached, text := calendarParts(t, m.Raw)
			if m.Subject == "Plain" {
				if len(inline)+len(attached) != 0 || !strings.Contains(text, "Just text.") {
					t.Errorf("a plain message grew a calendar, or lost its text")
				}
				continue
			}
			if len(inline) != 1 || inline[0]["method"] != "REQUEST" || inline[0]["charset"] == "" {
				t.Fatalf("text/calendar parts: %v", inline)
			}
			if string(data[0]) != ics || len(attached) != 1 || string(attached[0]) != ics {
				t.Errorf("the calendar changed on the way:\n%q", data)
			}
			if !strings.Contains(text, "See the invitation.") {
				t.Errorf("the text is missing beside the calendar")
			}
			if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/") {
				t.Errorf("Content-Type %q", ct)
			}
		}
	})
}

// The directory sender, for machines without a mail server, writes the
// same parts.
func TestDirSenderWritesTheCalendar(t *testing.T) {
	dir := t.TempDir()
	s := psumail.DirSender{Dir: dir}
	err := s.Send(ctx, psumail.Envelope{MessageID: "0190abcd-0000-7000-8000-000000000000@psu.example", From: "psu@psu.example",
		To: "trainee@example.org", Subject: "Cancelled", Text: "It is off.", Date: time.Now(),
		Calendar: &psumail.Calendar{Method: "CANCEL", Data: []byte(strings.Replace(ics, "METHOD:REQUEST", "METHOD:CANCEL", 1))}})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("%d files", len(files))
	}
	raw, _ := os.ReadFile(files[0])
	inline, data, attached, _ := calendarParts(t, raw)
	if len(inline) != 1 || inline[0]["method"] != "CANCEL" || !strings.Contains(string(data[0]), "METHOD:CANCEL\r\n") || len(attached) != 1 {
		t.Errorf("the .eml lacks the cancellation: %v", inline)
	}
}

// A calendar whose method is not one psu sends, or that does not say the
// method it is sent as, is refused before it is queued.
func TestEnqueueRefusesAMismatchedCalendar(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ob, _, _ := setup(t, db)
		for _, c := range []*psumail.Calendar{
			{Method: "REQUEST", Data: []byte(strings.Replace(ics, "METHOD:REQUEST", "METHOD:CANCEL", 1))},
			{Method: "REPLY", Data: []byte(strings.Replace(ics, "METHOD:REQUEST", "METHOD:REPLY", 1))},
			{Method: "REQUEST", Data: []byte(strings.ReplaceAll(ics, "\r\n", "\n"))},
		} {
			err := db.Tx(ctx, func(tx *store.Tx) error {
				_, err := ob.Enqueue(ctx, tx, psumail.Message{Kind: "t", To: "a@example.org", Subject: "s", Text: "t", Calendar: c})
				return err
			})
			if err == nil {
				t.Errorf("queued a calendar sent as %s: %.40q", c.Method, c.Data)
			}
		}
	})
}

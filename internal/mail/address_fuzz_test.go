package mail

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzValidAddress checks the one gate every typed e-mail address passes
// (the application, the referrer's form, "e-mail my list"). Whatever it
// accepts must be one plain address that cannot carry anything into a
// header (no line breaks, no second recipient, no display name), must
// survive the outbox, and must make a message the mail library writes with
// that address, and only it, as the recipient.
//
//	go test ./internal/mail -run '^$' -fuzz '^FuzzValidAddress$' -fuzztime 10m
func FuzzValidAddress(f *testing.F) {
	for _, s := range []string{
		"ann.trainee@example.com", "a+tag@nhs.net", "first.last@sub.example.co.uk", "x@y",
		"Ann <ann@example.com>", "a@example.com, b@example.com", "ann@example.com\r\nBcc: eve@example.com",
		`"ann smith"@example.com`, "ann@[192.0.2.1]", "ann@localhost.", "ännä@example.com", "ann@exämple.com",
		"ann(comment)@example.com", " ann@example.com", "ann@example.com.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidAddress(s) {
			return
		}
		if !utf8.ValidString(s) || strings.ContainsAny(s, "\r\n\x00,;<> \t") || strings.Count(s, "@") < 1 {
			t.Fatalf("accepted %q, which could carry something into a header", s)
		}
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s || a.Name != "" {
			t.Fatalf("accepted %q, which reads as %v (%v)", s, a, err)
		}
		m, err := build(Envelope{From: "psu@psu.example.org", To: s, Subject: "Your application", MessageID: "0190b2f0-0000-7000-8000-000000000000@psu.example.org",
			Date: time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC), Text: "Hello"})
		if err != nil {
			t.Fatalf("accepted %q, but the mail library will not address a message to it: %v", s, err)
		}
		var out bytes.Buffer
		if _, err := m.WriteTo(&out); err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(&out)
		if err != nil {
			t.Fatalf("the message to %q cannot be read: %v", s, err)
		}
		for _, h := range []string{"Bcc", "Cc", "Reply-To", "Sender"} {
			if v := msg.Header.Get(h); v != "" {
				t.Fatalf("the address %q put %s: %q into the message", s, h, v)
			}
		}
		to, err := msg.Header.AddressList("To")
		if err != nil || len(to) != 1 || !strings.EqualFold(to[0].Address, s) {
			t.Fatalf("the message to %q has To: %q (%v)", s, msg.Header.Get("To"), err)
		}
	})
}

package application_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// applyAndLeaveADraft sends one complete application and leaves a second,
// unfinished one with a document, so that drafts, files and applications
// all hold the secrets. It returns the sent application's reference.
func applyAndLeaveADraft(t *testing.T, in *apptest.Instance) string {
	t.Helper()
	c := in.Client(t)
	startEligible(t, c)
	fillAll(t, c)
	expect(t, "confirm", c.Post(linkIn(t, nthMail(t, in, 1)), nil), http.StatusSeeOther, "/apply/check-answers")
	expect(t, "submit", c.Post("/apply/submit", nil), http.StatusSeeOther, "/apply/sent")
	var ref string
	if err := store.Scan(in.App.DB.QueryRowContext(context.Background(), `SELECT reference FROM applications`), &ref); err != nil {
		t.Fatal(err)
	}

	d := in.Client(t)
	startEligible(t, d)
	fillUntil(t, d, "/apply/meeting")
	expect(t, "upload", uploadFile(t, d, "complaint", secrets.FileName, application.PDF(t, secrets.FileText)), http.StatusSeeOther, "")
	expect(t, "half-typed page", d.Post("/apply/meeting", url.Values{"meeting_times": {secrets.Hopes}, "later": {"yes"}}), http.StatusSeeOther, "")
	return ref
}

func sensitive() []string {
	return []string{secrets.Email, secrets.Name, secrets.Phone, secrets.Situation, secrets.Hopes, secrets.Health,
		secrets.Proceedings, secrets.FileName, secrets.FileText, secrets.GMC,
		// parts of them too, in case only a fragment were stored
		"Zebrafinch", "Quetzalcoatl", "Ocelotine", "Hummingbird", "Xylophonic", "kingfisher.applicant"}
}

// scan fails the test for every secret found in raw, and checks that raw
// does hold a value stored in the clear (the reference), so an empty or
// unreadable dump cannot pass.
func scan(t *testing.T, what string, raw []byte, ref string) {
	t.Helper()
	if !bytes.Contains(raw, []byte(ref)) {
		t.Fatalf("%s: the reference %s is not in the %d bytes read, so the scan would prove nothing", what, ref, len(raw))
	}
	for _, s := range sensitive() {
		if n := bytes.Count(raw, []byte(s)); n > 0 {
			t.Errorf("%s: %q found %d times in plain text", what, s, n)
		}
		if n := bytes.Count(bytes.ToLower(raw), []byte(strings.ToLower(s))); n > 0 {
			t.Errorf("%s: %q found %d times in plain text (ignoring case)", what, s, n)
		}
	}
}

// What an applicant typed is in no database file or WAL (SQLite) and not
// in pg_dump's output (PostgreSQL).
func TestNothingSensitiveStoredReadably(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			ref := applyAndLeaveADraft(t, in)
			raw := in.RawData(t)
			if e == store.Postgres && !bytes.Contains(raw, []byte(".applications")) {
				t.Fatalf("the dump has no applications table:\n%.2000s", raw)
			}
			scan(t, "the stored data ("+string(e)+")", raw, ref)
		})
	}
}

package cases_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// canary is what an adviser types into a case note, unusual enough to be
// found wherever it might have been stored readably.
const canary = "Wombat-cerulean disclosure about the trainee's health"

// workACase signs a lead and an adviser in, and has the case worked to a
// note holding the canary, a pause reason and a break-glass reason.
func workACase(t *testing.T, in *apptest.Instance) string {
	t.Helper()
	ref := applied(t, in, "canary.trainee@example.com", "Canary Trainee", "A situation")
	lead, adviser := in.CreateStaff(t, web.RoleTriageLead), in.CreateStaff(t, web.RoleAdviser)
	l, a := in.Client(t), in.Client(t)
	l.SignIn(lead)
	a.SignIn(adviser)
	for _, step := range []struct {
		c    *apptest.Client
		path string
		form url.Values
	}{
		{l, "/cases/" + ref + "/assign", url.Values{"adviser": {adviser.ID}}},
		{a, "/cases/" + ref + "/pause", url.Values{"reason": {canary + " (pause)"}}},
		{a, "/cases/" + ref + "/notes", url.Values{"note": {canary}}},
		{l, "/cases/" + ref + "/restrict", url.Values{"restricted": {"on"}}},
		{l, "/cases/" + ref + "/open", url.Values{"reason": {canary + " (glass)"}}},
	} {
		if res := step.c.Post(step.path, step.form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", step.path, res.StatusCode, res.Body)
		}
	}
	if res := l.Get("/cases/" + ref); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Wombat-cerulean") {
		t.Fatalf("the lead cannot read the note back: %d", res.StatusCode)
	}
	return ref
}

func scanFor(t *testing.T, what string, raw []byte, mustHold string) {
	t.Helper()
	if mustHold != "" && !bytes.Contains(raw, []byte(mustHold)) {
		t.Fatalf("%s: %q is not in the %d bytes read, so the scan would prove nothing", what, mustHold, len(raw))
	}
	for _, s := range []string{"Wombat-cerulean", "wombat-cerulean", "disclosure about the trainee"} {
		if bytes.Contains(bytes.ToLower(raw), []byte(strings.ToLower(s))) {
			t.Errorf("%s: %q found in plain text", what, s)
		}
	}
}

// A sensitive string typed into a case (a note, a reason) is found in no
// database file, WAL, dump, log line or e-mail.
func TestCaseNotesAreSealedEverywhere(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e, "PSU_LOG_LEVEL=debug")
			ref := workACase(t, in)
			scanFor(t, "the stored data ("+string(e)+")", in.RawData(t), ref)
			time.Sleep(300 * time.Millisecond) // let the worker send what is queued
			var mail []byte
			for _, m := range in.SMTP.Mails() {
				mail = append(mail, m.Subject+"\n"+m.Body+"\n"...)
			}
			scanFor(t, "mail", mail, "")
			logs := in.Logs()
			scanFor(t, "logs", logs, "")
			if !bytes.Contains(logs, []byte("/cases/")) {
				t.Error("the debug log holds no request line, so its scan proves nothing")
			}
			var n int
			if err := store.Scan(in.App.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM case_notes`), &n); err != nil || n != 1 {
				t.Fatalf("%d notes stored (%v)", n, err)
			}
		})
	}
}

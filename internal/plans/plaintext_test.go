package plans_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// canary is typed into the summary, the plan and the session notes:
// unusual enough to be found wherever it was stored readably.
const canary = "Axolotl-saffron disclosure"

// The issued summary's PDF (whole, and any 64-byte run of it) and the
// canary typed into the summary, the plan and the session notes are in no
// database file or WAL (SQLite), nor in pg_dump's output (PostgreSQL).
func TestSummaryAndPlanAreSealed(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			sc := seenCase(t, in, "sealed.trainee@example.com", false)
			a := in.Client(t)
			a.SignIn(sc.Adviser)
			workPlan(t, a, sc, canary+" goal")
			expect(t, "notes", a.Post("/cases/"+sc.Ref+"/session-notes/"+store.NewID(), url.Values{"notes": {canary + " in the notes"}}), http.StatusSeeOther)
			base := "/cases/" + sc.Ref + "/summary"
			expect(t, "preview", a.Post(base, url.Values{"action": {"preview"}, "discussed": {canary + " discussed"}, "agreed": {"Agreed."}}), http.StatusSeeOther)
			tok := tokenRE.FindStringSubmatch(a.Get(base + "/preview").Body)
			expect(t, "issue", a.Post(base+"/issue", url.Values{"token": {tok[1]}}), http.StatusSeeOther)
			res := a.Get("/cases/" + sc.Ref + "/summaries/1/pdf")
			expect(t, "download", res, http.StatusOK)
			pdf := []byte(res.Body)
			if !strings.Contains(pdfText(t, pdf), canary) {
				t.Fatal("the canary is not in the PDF, so looking for it proves nothing")
			}

			raw := in.RawData(t)
			if !bytes.Contains(raw, []byte(sc.Ref)) {
				t.Fatalf("the case reference is not in the %d bytes read, so the scan would prove nothing", len(raw))
			}
			if bytes.Contains(bytes.ToLower(raw), bytes.ToLower([]byte("Axolotl-saffron"))) {
				t.Error("the canary is stored in plain text")
			}
			// The PDF's bytes, whole or in part (its compressed streams
			// are where its text lies), and in hex as pg_dump writes bytea.
			for i := 0; i+64 <= len(pdf); i += 512 {
				chunk := pdf[i : i+64]
				if bytes.Contains(raw, chunk) {
					t.Fatalf("bytes %d-%d of the PDF are stored in plain text", i, i+64)
				}
				if bytes.Contains(raw, []byte(hexOf(chunk))) {
					t.Fatalf("bytes %d-%d of the PDF are stored in plain text (hex)", i, i+64)
				}
			}
			var n int
			if err := store.Scan(in.App.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM summaries`), &n); err != nil || n != 1 {
				t.Fatalf("%d summaries stored (%v)", n, err)
			}
		})
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

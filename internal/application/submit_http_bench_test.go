package application_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// BenchmarkSubmitHTTP measures POST /apply/submit end to end on a whole
// psu: the rate-limit commit, every page re-checked, the submit
// transaction, the session write, from 8 browsers at once, each from its
// own address. Drafts are made ready beforehand (started over HTTP, filled
// through the store), with or without a 1 MB document. The floor beside it
// is one durable single-row commit per operation at the same concurrency.
func BenchmarkSubmitHTTP(b *testing.B) {
	for _, e := range storetest.Engines {
		b.Run(string(e)+"/floor", func(b *testing.B) {
			db := storetest.Open(b, e)
			ctx := context.Background()
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := db.Tx(ctx, func(tx *store.Tx) error {
						_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor_role, action) VALUES (?, ?, 'system', 'bench')`, store.NewID(), store.Now())
						return err
					}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
		})
		for _, doc := range []struct {
			name string
			size int
		}{{"no-document", 0}, {"1MB-document", 1 << 20}} {
			b.Run(string(e)+"/"+doc.name, func(b *testing.B) {
				in := apptest.Start(b, e, "PSU_TRUSTED_PROXIES=127.0.0.0/8", "PSU_LOG_LEVEL=error")
				clients := readyBrowsers(b, in, b.N, doc.size)
				var next atomic.Int64
				b.SetParallelism(4)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						c := clients[next.Add(1)-1]
						req, _ := http.NewRequest(http.MethodPost, c.Base+"/apply/submit", strings.NewReader(""))
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
						req.Header.Set("X-Forwarded-For", c.Headers.Get("X-Forwarded-For"))
						res, err := c.Do(req)
						if err != nil {
							b.Error(err)
							return
						}
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
						if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/apply/sent" {
							b.Errorf("submit: %d → %s", res.StatusCode, res.Header.Get("Location"))
							return
						}
					}
				})
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submissions/s")
				if n := countApplications(b, in); n != b.N {
					b.Fatalf("%d applications after %d submissions", n, b.N)
				}
			})
		}
	}
}

// readyBrowsers gives n browsers a complete, confirmed draft each.
func readyBrowsers(b *testing.B, in *apptest.Instance, n, docSize int) []*apptest.Client {
	ctx := context.Background()
	st := storeOf(in)
	doc := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), max(docSize-9, 0))...)
	yes := true
	clients := make([]*apptest.Client, n)
	for i := range clients {
		c := in.Client(b)
		c.Headers.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", byte(i>>16), byte(i>>8), byte(i)))
		if res := c.Post("/apply/start", nil); res.StatusCode != http.StatusSeeOther {
			b.Fatalf("start: %d", res.StatusCode)
		}
		var id string
		if err := store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT id FROM application_drafts ORDER BY created_at DESC, id DESC LIMIT 1`), &id); err != nil {
			b.Fatal(err)
		}
		_, err := st.UpdateDraft(ctx, id, func(_ *store.Tx, d *application.Draft) error {
			d.Eligibility = eligibility.Answers{Region: "london", Profession: "doctor", Programme: "core", TrainingNumber: &yes}
			d.Decision = &application.Decision{RuleID: "training-number-holder", RuleVersion: 1, Eligible: true, Route: "ist"}
			d.Email = secrets.Email
			d.Pages, d.Done = map[string]url.Values{}, map[string]bool{}
			for _, p := range applicationPages() {
				slug := strings.TrimPrefix(p.path, "/apply/")
				d.Pages[slug], d.Done[slug] = p.values, true
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := in.App.DB.ExecContext(ctx, `UPDATE application_drafts SET email_verified_at = ? WHERE id = ?`, store.Now(), id); err != nil {
			b.Fatal(err)
		}
		if docSize > 0 {
			if _, err := st.AddFile(ctx, id, application.Document{Name: "arcp.pdf", Kind: "arcp", ContentType: "application/pdf"}, doc); err != nil {
				b.Fatal(err)
			}
		}
		clients[i] = c
	}
	return clients
}

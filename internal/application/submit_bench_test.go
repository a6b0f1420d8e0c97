package application

import (
	"bytes"
	"context"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// completePages are the pages of a finished application, as a browser
// posts them.
func completePages() map[string]url.Values {
	return map[string]url.Values{
		"email":        {"email": {"bench@example.com"}},
		"about-you":    {"name": {"Bench Marker"}, "phone": {"07700 900982"}},
		"registration": {"registered": {"yes"}, "registration_number": {"7123456"}},
		"training": {"grade": {"CT2"}, "employer": {"A trust"}, "training_number": {"LDN/1/2/C"},
			"post_start-day": {"5"}, "post_start-month": {"8"}, "post_start-year": {"2026"}},
		"concerns":      {"concern": {"exams", "career"}},
		"in-your-words": {"situation": {string(bytes.Repeat([]byte("What is happening, in some detail. "), 60))}, "hopes": {"A plan for the next exam."}},
		"exams":         {"exam_name": {"MRCP"}, "exam_attempts": {"2"}},
		"arcp":          {"arcp_date-day": {"15"}, "arcp_date-month": {"6"}, "arcp_date-year": {"2026"}, "arcp_outcome": {"2"}},
		"complaints":    {"proceedings": {"none"}},
		"health":        {},
		"meeting":       {"meeting_way": {"phone"}, "meeting_times": {"Tuesdays"}},
		"consent":       {"consent_case_email": {"yes"}, "consent_follow_up": {"yes"}, "confidentiality": {"read"}},
	}
}

// readyDrafts stores n complete, confirmed drafts, each with a document of
// docSize bytes when docSize > 0.
func readyDrafts(b *testing.B, s *Store, n, docSize int) []string {
	ctx := context.Background()
	el, dec := eligibleDoctor()
	doc := bytes.Repeat([]byte("%PDF-1.7 benchmark "), docSize/19+1)[:max(docSize, 0)]
	ids := make([]string, n)
	for i := range ids {
		d := &Draft{Eligibility: el, Decision: dec, Email: "bench@example.com"}
		for slug, v := range completePages() {
			d.setPage(slug, v, true)
		}
		if err := s.CreateDraft(ctx, d); err != nil {
			b.Fatal(err)
		}
		if _, err := s.DB.ExecContext(ctx, `UPDATE application_drafts SET email_verified_at = ? WHERE id = ?`, store.Now(), d.ID); err != nil {
			b.Fatal(err)
		}
		if docSize > 0 {
			if _, err := s.AddFile(ctx, d.ID, Document{Name: "arcp.pdf", Kind: "arcp", ContentType: typePDF}, doc); err != nil {
				b.Fatal(err)
			}
		}
		ids[i] = d.ID
	}
	return ids
}

// buildForBench is the submit handler's build: every page checked again.
func buildForBench(d *Draft) (Application, error) {
	a, problems := (&handlers{}).build(d, time.Now())
	if len(problems) > 0 {
		return a, &incomplete{problems}
	}
	return a, nil
}

// BenchmarkSubmit measures durable submissions: each one is the whole
// submit transaction (every page re-checked, the application sealed and
// inserted, files moved, referrals linked, the draft deleted, the
// confirmation mail queued, the audit entry written) committed with the
// engine's durability settings (SQLite synchronous=FULL; PostgreSQL's
// default synchronous_commit=on). "serial" submits one at a time;
// "parallel" from 8 goroutines, as concurrent requests would.
func BenchmarkSubmit(b *testing.B) {
	for _, e := range storetest.Engines {
		for _, doc := range []struct {
			name string
			size int
		}{{"no-document", 0}, {"1MB-document", 1 << 20}} {
			for _, parallel := range []bool{false, true} {
				name := string(e) + "/" + doc.name + "/serial"
				if parallel {
					name = string(e) + "/" + doc.name + "/parallel"
				}
				b.Run(name, func(b *testing.B) {
					s := testStore(b, storetest.Open(b, e))
					ids := readyDrafts(b, s, b.N, doc.size)
					ctx := context.Background()
					b.ResetTimer()
					if parallel {
						var next atomic.Int64
						b.SetParallelism(4)
						b.RunParallel(func(pb *testing.PB) {
							for pb.Next() {
								id := ids[next.Add(1)-1]
								if _, err := s.Submit(ctx, id, buildForBench); err != nil {
									b.Error(err)
									return
								}
							}
						})
					} else {
						for _, id := range ids {
							if _, err := s.Submit(ctx, id, buildForBench); err != nil {
								b.Fatal(err)
							}
						}
					}
					b.StopTimer()
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "submissions/s")
					var n int
					store.Scan(s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications`), &n)
					if n != b.N {
						b.Fatalf("%d applications after %d submissions", n, b.N)
					}
				})
			}
		}
	}
}

// BenchmarkUpload1MB measures storing one checked 1 MB document, sealed,
// in a draft: the cost a document adds before submission.
func BenchmarkUpload1MB(b *testing.B) {
	for _, e := range storetest.Engines {
		b.Run(string(e), func(b *testing.B) {
			s := testStore(b, storetest.Open(b, e))
			ctx := context.Background()
			doc := PaddedPDF(b, 1<<20)
			ids := make([]string, (b.N+MaxFiles-1)/MaxFiles)
			for i := range ids {
				d := &Draft{}
				if err := s.CreateDraft(ctx, d); err != nil {
					b.Fatal(err)
				}
				ids[i] = d.ID
			}
			b.SetBytes(int64(len(doc)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, problem := checkFile("arcp.pdf", doc); problem != "" {
					b.Fatal(problem)
				}
				if _, err := s.AddFile(ctx, ids[i/MaxFiles], Document{Name: "arcp.pdf", Kind: "arcp", ContentType: typePDF}, doc); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "uploads/s")
		})
	}
}

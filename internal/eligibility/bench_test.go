package eligibility_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// benchClient sends requests from many addresses through a trusted proxy,
// so the per-address limit measures nothing but itself.
func benchClient() (*http.Client, func(*http.Request)) {
	var n atomic.Uint32
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	return c, func(r *http.Request) {
		i := n.Add(1)
		r.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", byte(i>>16), byte(i>>8), byte(i)))
	}
}

// BenchmarkAPIDecision: POST /api/v1/eligibility end to end over HTTP,
// 16 requests in flight: rate-limit check, decision, durable record.
func BenchmarkAPIDecision(b *testing.B) {
	for _, e := range storetest.Engines {
		b.Run(string(e), func(b *testing.B) {
			in := apptest.Start(b, e, "PSU_TRUSTED_PROXIES=127.0.0.0/8", "PSU_LOG_LEVEL=error")
			c, from := benchClient()
			body := requestBody(med("london", "doctor", "core", true))
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest(http.MethodPost, in.URL+"/api/v1/eligibility", bytes.NewReader(body))
					from(req)
					res, err := c.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						b.Errorf("status %d", res.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
		})
	}
}

// BenchmarkDurableInsertFloor: the floor beside the API figure, one
// committed single-row transaction (a recorded decision) per operation,
// with the same concurrency and no HTTP.
func BenchmarkDurableInsertFloor(b *testing.B) {
	for _, e := range storetest.Engines {
		b.Run(string(e), func(b *testing.B) {
			db := storetest.Open(b, e)
			if err := eligibility.SeedDefault(b.Context(), db); err != nil {
				b.Fatal(err)
			}
			a := med("london", "doctor", "core", true)
			d := eligibility.Default().Decide(a)
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					err := db.Tx(b.Context(), func(tx *store.Tx) error {
						return eligibility.RecordDecision(b.Context(), tx, eligibility.ChannelAPI, a, d)
					})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
		})
	}
}

package referral_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store/storetest"
)

// BenchmarkNotify: POST /referrers/notify end to end over HTTP, 16 in
// flight, each from its own address for its own trainee: validation, three
// rate-limit checks, then one transaction storing the sealed notification,
// two e-mails and an audit entry. The mail worker delivers to the test SMTP
// receiver meanwhile, as it would in service.
func BenchmarkNotify(b *testing.B) {
	for _, e := range storetest.Engines {
		b.Run(string(e), func(b *testing.B) {
			in := apptest.Start(b, e, "PSU_TRUSTED_PROXIES=127.0.0.0/8", "PSU_LOG_LEVEL=error")
			c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64},
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			var n atomic.Uint32
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					v := filled()
					v.Set("referrer_email", fmt.Sprintf("referrer%d@example.nhs.uk", i))
					v.Set("trainee_email", fmt.Sprintf("trainee%d@example.org", i))
					req, _ := http.NewRequest(http.MethodPost, in.URL+"/referrers/notify", strings.NewReader(v.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", byte(i>>16), byte(i>>8), byte(i)))
					res, err := c.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusSeeOther {
						b.Errorf("status %d", res.StatusCode)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "notifications/s")
		})
	}
}

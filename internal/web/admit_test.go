package web

import (
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// At most MaxActive requests run at once; the next waits for a turn and then
// runs, and health checks never wait.
func TestAdmitRunsAtMostMaxActiveAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newTestServer(t, db)
		release := make(chan struct{})
		var running, most, arrived atomic.Int32
		var entered sync.WaitGroup
		entered.Add(MaxActive)
		ts.Router.Handle("GET /test/hold", Public, func(w http.ResponseWriter, r *http.Request) {
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			if arrived.Add(1) <= int32(MaxActive) {
				entered.Done()
			}
			<-release
			running.Add(-1)
			w.Write([]byte("done"))
		})
		hs := ts.start(t)
		c := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: MaxActive + 1}}
		statuses := make(chan int, MaxActive+1)
		for i := 0; i < MaxActive+1; i++ {
			go func() {
				res, err := c.Get(hs.URL + "/test/hold")
				if err != nil {
					statuses <- 0
					return
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				_ = b
				statuses <- res.StatusCode
			}()
		}
		entered.Wait()
		time.Sleep(200 * time.Millisecond) // the extra request is at the door by now
		if n := running.Load(); n != int32(MaxActive) {
			t.Fatalf("%d requests running, want %d", n, MaxActive)
		}
		if res, err := c.Get(hs.URL + "/healthz"); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("health check waited or failed: %v", err)
		} else {
			res.Body.Close()
		}
		close(release)
		for i := 0; i < MaxActive+1; i++ {
			if s := <-statuses; s != http.StatusOK {
				t.Errorf("a request answered %d", s)
			}
		}
		if t.Failed() {
			for _, l := range ts.logged() {
				t.Logf("%+v", l)
			}
		}
		if m := most.Load(); m != int32(MaxActive) {
			t.Errorf("at most %d ran at once, want %d", m, MaxActive)
		}
	})
}

package ratelimit_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

func TestLimitIsSharedAndExact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// Two limiters on one database stand for two psu serve processes.
		a, b := ratelimit.New(db), ratelimit.New(db)
		l := ratelimit.Limit{N: 10, Window: time.Hour}
		var mu sync.Mutex
		allowed := 0
		var wg sync.WaitGroup
		for i := 0; i < 30; i++ {
			wg.Add(1)
			go func(lm *ratelimit.Limiter) {
				defer wg.Done()
				ok, _, err := lm.Allow(ctx, "ip:198.51.100.7", l)
				if err != nil {
					t.Error(err)
				}
				if ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}(map[bool]*ratelimit.Limiter{true: a, false: b}[i%2 == 0])
		}
		wg.Wait()
		if allowed != 10 {
			t.Fatalf("allowed %d of 30, want exactly 10", allowed)
		}
		ok, retry, _ := a.Allow(ctx, "ip:198.51.100.7", l)
		if ok || retry <= 0 || retry > time.Hour {
			t.Fatalf("over limit: ok=%v retry=%v", ok, retry)
		}
		if ok, _, _ := a.Allow(ctx, "ip:203.0.113.9", l); !ok {
			t.Fatal("another bucket was limited")
		}
		a.Reset(ctx, "ip:198.51.100.7")
		if ok, _, _ := b.Allow(ctx, "ip:198.51.100.7", l); !ok {
			t.Fatal("reset bucket still limited")
		}
	})
}

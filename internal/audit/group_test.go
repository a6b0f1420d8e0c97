package audit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// Many entries recorded at once, each in a transaction of its own as far as
// its caller knows, are all written, each once, and the chain verifies.
func TestRecordAtOnceKeepsTheChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const n = 300
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- audit.Record(ctx, db, audit.Event{Action: "case.view", ActorID: "u", ActorRole: "adviser",
					TargetType: "case", TargetID: fmt.Sprint(i)})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var count, distinct int
		if err := store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT target_id) FROM audit_log WHERE action = 'case.view'`), &count, &distinct); err != nil {
			t.Fatal(err)
		}
		if count != n || distinct != n {
			t.Errorf("%d entries for %d targets, want %d of each", count, distinct, n)
		}
		rep, err := audit.Verify(ctx, db)
		if err != nil || !rep.OK() {
			t.Errorf("verify: %v %v", rep.Problem, err)
		}
	})
}

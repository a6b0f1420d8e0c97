package audit

import (
	"context"
	"sync"

	"github.com/psu-project/psu/internal/store"
)

// Entries recorded outside any other change (every view of a case, every
// download) each need a commit of their own, and every commit waits for the
// disk and, on PostgreSQL, for the chain's lock. Under load that lock, not
// the work, would set the pace of the back office. So such entries are
// group-committed: the first to arrive writes, in one transaction, itself
// and every entry that arrived while the transaction before was running,
// then keeps writing until none wait. Nobody is answered before their entry
// has committed, and with nothing else waiting an entry is written at once,
// as before.

// maxGroup bounds one transaction's entries.
const maxGroup = 256

type pending struct {
	e    Event
	done chan error
}

type group struct {
	mu      sync.Mutex
	waiting []*pending
	writing bool
}

var groups sync.Map // *store.DB → *group

// appendAlone records e in a transaction of its own on db, shared with the
// entries that arrive at the same moment.
func appendAlone(ctx context.Context, db *store.DB, e Event) error {
	gv, _ := groups.LoadOrStore(db, &group{})
	g := gv.(*group)
	me := &pending{e: e, done: make(chan error, 1)}
	g.mu.Lock()
	g.waiting = append(g.waiting, me)
	if g.writing {
		g.mu.Unlock()
		select {
		case err := <-me.done:
			return err
		case <-ctx.Done():
			// The entry may still be written: an attempt is recorded even
			// when the one who made it has gone.
			return ctx.Err()
		}
	}
	g.writing = true
	g.mu.Unlock()
	// This caller writes for everyone waiting, whatever becomes of its own
	// request.
	wctx := context.WithoutCancel(ctx)
	for {
		g.mu.Lock()
		n := min(len(g.waiting), maxGroup)
		batch := g.waiting[:n:n]
		g.waiting = g.waiting[n:]
		if n == 0 {
			g.writing = false
			g.mu.Unlock()
			break
		}
		g.mu.Unlock()
		events := make([]Event, n)
		for i, p := range batch {
			events[i] = p.e
		}
		err := db.Tx(wctx, func(tx *store.Tx) error { return RecordAll(wctx, tx, events) })
		for _, p := range batch {
			p.done <- err
		}
	}
	return <-me.done
}

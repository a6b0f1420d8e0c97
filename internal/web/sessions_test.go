package web

import (
	"context"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// A request that changes nothing in its session writes nothing, unless its
// expiry has moved on by refreshEvery; any change of data is written.
func TestSessionCommitsSkipOnlyUnchangedRefreshes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := &sessionStore{db: db, read: map[string]readSession{}}
		stored := func() (string, time.Time) {
			var data []byte
			var exp store.Time
			if err := store.Scan(db.QueryRowContext(ctx, `SELECT data, expiry FROM sessions WHERE token = ?`, "tok"), &data, &exp); err != nil {
				t.Fatal(err)
			}
			return string(data), exp.Time
		}
		e0 := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
		if err := s.CommitCtx(ctx, "tok", []byte("a"), e0); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.FindCtx(ctx, "tok"); err != nil {
			t.Fatal(err)
		}
		s.CommitCtx(ctx, "tok", []byte("a"), e0.Add(10*time.Second))
		if d, e := stored(); d != "a" || !e.Equal(e0) {
			t.Errorf("an unchanged session was written again: %q %s", d, e)
		}
		s.CommitCtx(ctx, "tok", []byte("b"), e0.Add(20*time.Second))
		if d, e := stored(); d != "b" || !e.Equal(e0.Add(20*time.Second)) {
			t.Errorf("a changed session was not written: %q %s", d, e)
		}
		s.CommitCtx(ctx, "tok", []byte("b"), e0.Add(20*time.Second+refreshEvery))
		if _, e := stored(); !e.Equal(e0.Add(20*time.Second + refreshEvery)) {
			t.Errorf("the expiry was not moved on after %s: %s", refreshEvery, e)
		}
		// Another instance changed the session: what this one reads next
		// is what it compares against, so its own unchanged commit does
		// not put the old data back, and a change back is written.
		other := &sessionStore{db: db, read: map[string]readSession{}}
		other.CommitCtx(ctx, "tok", []byte("c"), e0.Add(30*time.Second+refreshEvery))
		s.FindCtx(ctx, "tok")
		s.CommitCtx(ctx, "tok", []byte("b"), e0.Add(31*time.Second+refreshEvery))
		if d, _ := stored(); d != "b" {
			t.Errorf("a change back to earlier data was skipped: %q", d)
		}
		if err := s.DeleteCtx(ctx, "tok"); err != nil {
			t.Fatal(err)
		}
		if _, found, _ := s.FindCtx(ctx, "tok"); found {
			t.Error("a deleted session was found")
		}
	})
}

package mail_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/config"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/mail/mailtest"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

var ctx = context.Background()

func setup(t *testing.T, db *store.DB) (*mail.Outbox, *mailtest.Server, *mail.Worker) {
	sealer, _ := seal.New(bytes.Repeat([]byte{1}, 32))
	ob := mail.NewOutbox(db, sealer)
	srv := mailtest.Start(t)
	w := &mail.Worker{Outbox: ob, From: "psu@psu.example", Log: slog.New(slog.DiscardHandler),
		Sender: mail.NewSMTPSender(config.SMTP{Host: srv.Host, Port: srv.Port, TLS: "none"})}
	return ob, srv, w
}

func enqueue(t *testing.T, db *store.DB, ob *mail.Outbox, to string) string {
	t.Helper()
	var id string
	err := db.Tx(ctx, func(tx *store.Tx) (err error) {
		id, err = ob.Enqueue(ctx, tx, mail.Message{Kind: "test", To: to, Subject: "Your reference", Text: "Hello " + to})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestCommittedMailIsDeliveredOnceWithStableMessageID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ob, srv, w := setup(t, db)
		// A rolled-back transaction sends nothing.
		db.Tx(ctx, func(tx *store.Tx) error {
			ob.Enqueue(ctx, tx, mail.Message{Kind: "test", To: "rolled@back.example", Subject: "s", Text: "t"})
			return errors.New("roll back")
		})
		id := enqueue(t, db, ob, "trainee@example.org")
		if n, err := w.DrainOnce(ctx); err != nil || n != 1 {
			t.Fatalf("DrainOnce = %d, %v", n, err)
		}
		got := srv.Wait(t, 1, 5*time.Second)
		if len(got) != 1 || got[0].To[0] != "trainee@example.org" || got[0].Subject != "Your reference" || !strings.Contains(got[0].Body, "Hello trainee@example.org") {
			t.Fatalf("received %+v", got)
		}
		if mid := got[0].Header.Get("Message-Id"); mid != "<"+id+"@psu.example>" {
			t.Fatalf("Message-ID = %q", mid)
		}
		if n, _ := w.DrainOnce(ctx); n != 0 {
			t.Fatal("a sent message was claimed again")
		}
		st, err := ob.Stats(ctx)
		if err != nil || st.Pending != 0 || st.Failed != 0 {
			t.Fatalf("stats %+v %v", st, err)
		}
	})
}

func TestRecipientAndBodyAreSealedAtRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ob, _, _ := setup(t, db)
		enqueue(t, db, ob, "secret.person@example.org")
		var recipient, body []byte
		store.Scan(db.QueryRowContext(ctx, `SELECT recipient, body FROM outbox`), &recipient, &body)
		if bytes.Contains(recipient, []byte("secret.person")) || bytes.Contains(body, []byte("secret.person")) {
			t.Fatal("recipient stored in plain text")
		}
	})
}

func TestFailedSendIsRetriedWithBackoffThenDelivered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ob, srv, w := setup(t, db)
		srv.Reject(true)
		id := enqueue(t, db, ob, "a@example.org")
		w.DrainOnce(ctx)
		var attempts int
		var next time.Time
		store.Scan(db.QueryRowContext(ctx, `SELECT attempts, next_attempt_at FROM outbox WHERE id = ?`, id), &attempts, &next)
		if attempts != 1 || !next.After(time.Now().Add(20*time.Second)) {
			t.Fatalf("after failure: attempts=%d next=%v", attempts, next)
		}
		if n, _ := w.DrainOnce(ctx); n != 0 {
			t.Fatal("retried before its backoff")
		}
		st, err := ob.Stats(ctx)
		if err != nil || st.Pending != 1 || st.OldestQueued.IsZero() {
			t.Fatalf("stats %+v %v", st, err)
		}
		srv.Reject(false)
		db.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = ? WHERE id = ?`, store.Now(), id)
		w.DrainOnce(ctx)
		srv.Wait(t, 1, 5*time.Second)
	})
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ob, srv, w := setup(t, db)
		w.MaxAttempts = 2
		srv.Reject(true)
		id := enqueue(t, db, ob, "a@example.org")
		for i := 0; i < 2; i++ {
			db.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = ? WHERE id = ?`, store.Now(), id)
			w.DrainOnce(ctx)
		}
		st, _ := ob.Stats(ctx)
		if st.Failed != 1 || st.Pending != 0 {
			t.Fatalf("stats %+v", st)
		}
	})
}

// A worker that dies after claiming (before marking sent) must not lose the
// message: once the lease lapses another worker sends it, with the same
// Message-ID so a rare duplicate is recognisable.
func TestCrashAfterClaimIsRecoveredAfterLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ob, srv, w := setup(t, db)
		id := enqueue(t, db, ob, "a@example.org")
		dead, cancel := context.WithCancel(ctx)
		cancel()
		crashed := &mail.Worker{Outbox: ob, Sender: w.Sender, From: w.From, Log: w.Log, Lease: time.Minute}
		// DrainOnce with a cancelled context claims nothing on a dead
		// context, so claim by hand the way a crashed worker leaves it.
		crashed.DrainOnce(dead)
		db.ExecContext(ctx, `UPDATE outbox SET claimed_until = ?, attempts = 1 WHERE id = ?`, store.Now().Add(time.Minute), id)
		if n, _ := w.DrainOnce(ctx); n != 0 {
			t.Fatal("claimed a message still under another worker's lease")
		}
		db.ExecContext(ctx, `UPDATE outbox SET claimed_until = ? WHERE id = ?`, store.Now().Add(-time.Second), id)
		if n, _ := w.DrainOnce(ctx); n != 1 {
			t.Fatal("expired lease not reclaimed")
		}
		got := srv.Wait(t, 1, 5*time.Second)
		if got[0].Header.Get("Message-Id") != "<"+id+"@psu.example>" {
			t.Fatal("Message-ID changed on retry")
		}
	})
}

// Two workers on one database deliver each message exactly once.
func TestConcurrentWorkersDeliverEachMessageOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ob, srv, w1 := setup(t, db)
		w1.Batch = 3
		w2 := *w1
		const n = 30
		for i := 0; i < n; i++ {
			enqueue(t, db, ob, "a@example.org")
		}
		var wg sync.WaitGroup
		for _, w := range []*mail.Worker{w1, &w2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					if k, err := w.DrainOnce(ctx); k == 0 || err != nil {
						return
					}
				}
			}()
		}
		wg.Wait()
		got := srv.Wait(t, n, 10*time.Second)
		seen := map[string]bool{}
		for _, m := range got {
			id := m.Header.Get("Message-Id")
			if seen[id] {
				t.Fatalf("%s delivered twice", id)
			}
			seen[id] = true
		}
		if len(got) != n {
			t.Fatalf("delivered %d, want %d", len(got), n)
		}
	})
}

func TestEnqueueRefusesBadAddress(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ob, _, _ := setup(t, db)
	for _, to := range []string{"", "not-an-address", "Name <a@b.example>", "a@b", "a@b.example, c@d.example"} {
		err := db.Tx(ctx, func(tx *store.Tx) error {
			_, err := ob.Enqueue(ctx, tx, mail.Message{Kind: "t", To: to, Subject: "s", Text: "t"})
			return err
		})
		if !errors.Is(err, mail.ErrBadAddress) {
			t.Errorf("%q: err = %v", to, err)
		}
	}
}

func TestDirSenderWritesEML(t *testing.T) {
	dir := t.TempDir()
	err := mail.DirSender{Dir: dir}.Send(ctx, mail.Envelope{MessageID: store.NewID() + "@x.example", From: "psu@x.example", To: "a@example.org", Subject: "Hi", Text: "Body", Date: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
}

package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/store"
)

// Envelope is one message ready to hand to a Sender.
type Envelope struct {
	MessageID string // without angle brackets; stable across retries
	From      string
	To        string
	Subject   string
	Text      string
	Calendar  *Calendar // nil for most mail
	Date      time.Time
}

// Sender delivers one message. SMTPSender talks to a mail server; DirSender
// writes .eml files for a machine with no mail server.
type Sender interface {
	Send(ctx context.Context, e Envelope) error
}

// Worker drains the outbox.
type Worker struct {
	Outbox *Outbox
	Sender Sender
	From   string
	Log    *slog.Logger

	// Batch is how many messages one claim takes; Lease how long a claim
	// holds before another worker may retry it (a crash mid-send).
	Batch       int
	Lease       time.Duration
	MaxAttempts int
	Poll        time.Duration
}

const (
	defaultBatch       = 20
	defaultLease       = 2 * time.Minute
	defaultMaxAttempts = 12 // about a day of backoff
	defaultPoll        = 2 * time.Second
)

// Run delivers messages until ctx ends: at once when kicked after a commit,
// and every Poll interval otherwise (another instance's commits, retries).
func (w *Worker) Run(ctx context.Context) {
	poll := w.Poll
	if poll == 0 {
		poll = defaultPoll
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		for {
			n, err := w.DrainOnce(ctx)
			if err != nil && ctx.Err() == nil {
				w.Log.Error("outbox drain failed", "err", err)
			}
			if n == 0 || err != nil || ctx.Err() != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-w.Outbox.kick:
		case <-t.C:
		}
	}
}

type claimed struct {
	id, kind, subject         string
	recipient, body, calendar []byte
	calendarMethod            string
	createdAt                 time.Time
	attempts                  int
}

// DrainOnce claims one batch of due messages, sends them and records the
// outcome. It returns how many it claimed.
func (w *Worker) DrainOnce(ctx context.Context) (int, error) {
	batch, lease, maxAttempts := w.Batch, w.Lease, w.MaxAttempts
	if batch == 0 {
		batch = defaultBatch
	}
	if lease == 0 {
		lease = defaultLease
	}
	if maxAttempts == 0 {
		maxAttempts = defaultMaxAttempts
	}
	msgs, err := w.claim(ctx, batch, lease)
	if err != nil {
		return 0, err
	}
	for _, m := range msgs {
		if ctx.Err() != nil {
			// Shutting down: the lease lapses and the message is retried.
			return len(msgs), nil
		}
		sendErr := w.send(ctx, m)
		now := store.Now()
		if sendErr == nil {
			_, err = w.Outbox.db.ExecContext(ctx, `UPDATE outbox SET sent_at = ?, claimed_until = NULL, last_error = NULL WHERE id = ?`, now, m.id)
			if err != nil {
				return len(msgs), fmt.Errorf("mail: mark sent: %w", err)
			}
			continue
		}
		// Log the kind and id, never the address or the server's reply,
		// which may quote the address.
		w.Log.Warn("outbox send failed", "id", m.id, "kind", m.kind, "attempt", m.attempts, "err_class", errClass(sendErr))
		if m.attempts >= maxAttempts {
			_, err = w.Outbox.db.ExecContext(ctx, `UPDATE outbox SET failed_at = ?, claimed_until = NULL, last_error = ? WHERE id = ?`, now, truncate(sendErr.Error(), 500), m.id)
		} else {
			_, err = w.Outbox.db.ExecContext(ctx, `UPDATE outbox SET next_attempt_at = ?, claimed_until = NULL, last_error = ? WHERE id = ?`, now.Add(Backoff(m.attempts)), truncate(sendErr.Error(), 500), m.id)
		}
		if err != nil {
			return len(msgs), fmt.Errorf("mail: record failure: %w", err)
		}
	}
	return len(msgs), nil
}

// claim takes due messages and leases them. PostgreSQL: SKIP LOCKED lets
// several workers claim side by side; SQLite has one writer, so a plain
// UPDATE … RETURNING is already exclusive.
func (w *Worker) claim(ctx context.Context, batch int, lease time.Duration) ([]claimed, error) {
	now := store.Now()
	q := `UPDATE outbox SET claimed_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM outbox
			WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
			AND (claimed_until IS NULL OR claimed_until < ?)
			ORDER BY next_attempt_at LIMIT ?` + map[store.Engine]string{store.Postgres: " FOR UPDATE SKIP LOCKED"}[w.Outbox.db.Engine()] + `)
		RETURNING id, kind, recipient, subject, body, calendar, calendar_method, created_at, attempts`
	var out []claimed
	err := w.Outbox.db.Tx(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, q, now.Add(lease), now, now, batch)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c claimed
			if err := rows.Scan(&c.id, &c.kind, &c.recipient, &c.subject, &c.body, &c.calendar, &c.calendarMethod, &c.createdAt, &c.attempts); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("mail: claim: %w", err)
	}
	return out, nil
}

func (w *Worker) send(ctx context.Context, m claimed) error {
	to, err := w.Outbox.sealer.OpenString(m.recipient, "outbox.recipient:"+m.id)
	if err != nil {
		return err
	}
	text, err := w.Outbox.sealer.OpenString(m.body, "outbox.body:"+m.id)
	if err != nil {
		return err
	}
	var cal *Calendar
	if m.calendarMethod != "" {
		data, err := w.Outbox.sealer.Open(m.calendar, "outbox.calendar:"+m.id)
		if err != nil {
			return err
		}
		cal = &Calendar{Method: m.calendarMethod, Data: data}
	}
	domain := w.From[strings.LastIndexByte(w.From, '@')+1:]
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return w.Sender.Send(sctx, Envelope{
		MessageID: m.id + "@" + domain,
		From:      w.From,
		To:        to,
		Subject:   m.subject,
		Text:      text,
		Calendar:  cal,
		Date:      m.createdAt,
	})
}

// Backoff is the wait before attempt n+1: 30 s doubling to at most an hour,
// with jitter so many failures do not retry in step.
func Backoff(attempts int) time.Duration {
	d := 30 * time.Second << min(attempts-1, 7)
	d = min(d, time.Hour)
	return d + rand.N(d/4+1)
}

func errClass(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case strings.Contains(err.Error(), "connect"), strings.Contains(err.Error(), "dial"):
		return "connect"
	default:
		return "rejected"
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

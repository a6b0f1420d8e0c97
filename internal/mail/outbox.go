// Package mail queues e-mail in the outbox table, inside the caller's
// transaction, and delivers it from a background worker after commit. A
// request never talks to a mail server.
package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
)

// Message is an e-mail to queue. Bodies are plain text; by design they carry
// no sensitive content (mail leaves our control), but who is written to is
// itself confidential, so recipient and body are sealed at rest.
type Message struct {
	Kind    string // what the mail is for, e.g. "auth.first_admin"; safe to log
	To      string
	Subject string
	Text    string
	// Calendar, if set, goes beside the text as a text/calendar part (and
	// as an .ics attachment), so mail programs offer to add, change or
	// remove the event. It is sealed at rest like the body.
	Calendar *Calendar
	// CaseID is the case the mail is about, if any: once delivered, it is
	// deleted when that case is erased.
	CaseID string
}

// Calendar is an iCalendar object (RFC 5545) carrying one iTIP method
// (RFC 5546).
type Calendar struct {
	// Method is the object's METHOD (REQUEST, CANCEL or PUBLISH), repeated
	// in the part's Content-Type as mail programs expect.
	Method string
	// Data is the whole object, lines ending in CRLF.
	Data []byte
}

// calendarMethods are the iTIP methods psu sends.
var calendarMethods = map[string]bool{"REQUEST": true, "CANCEL": true, "PUBLISH": true}

func (c *Calendar) check() error {
	if !calendarMethods[c.Method] {
		return fmt.Errorf("mail: calendar method %q is not REQUEST, CANCEL or PUBLISH", c.Method)
	}
	if !bytes.HasPrefix(c.Data, []byte("BEGIN:VCALENDAR\r\n")) || !bytes.Contains(c.Data, []byte("\r\nMETHOD:"+c.Method+"\r\n")) {
		return fmt.Errorf("mail: calendar data is not an iCalendar object with METHOD:%s", c.Method)
	}
	return nil
}

// Outbox queues messages. Safe for concurrent use.
type Outbox struct {
	db     *store.DB
	sealer *seal.Sealer
	kick   chan struct{}
}

// NewOutbox returns an Outbox on db.
func NewOutbox(db *store.DB, sealer *seal.Sealer) *Outbox {
	return &Outbox{db: db, sealer: sealer, kick: make(chan struct{}, 1)}
}

// ErrBadAddress means the recipient is not a usable e-mail address.
var ErrBadAddress = errors.New("mail: not a valid e-mail address")

// ValidAddress reports whether s is one plain e-mail address (no display
// name, no list), as a person would type it into a form.
func ValidAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// Enqueue writes m into the outbox within tx. The worker is woken once tx
// commits; if tx rolls back, nothing is sent.
func (o *Outbox) Enqueue(ctx context.Context, tx *store.Tx, m Message) (string, error) {
	if !ValidAddress(m.To) {
		return "", ErrBadAddress
	}
	if m.Kind == "" || m.Subject == "" || m.Text == "" {
		return "", errors.New("mail: kind, subject and text are required")
	}
	id := store.NewID()
	now := store.Now()
	var calendar []byte
	method := ""
	if m.Calendar != nil {
		if err := m.Calendar.check(); err != nil {
			return "", err
		}
		calendar, method = o.sealer.Seal(m.Calendar.Data, "outbox.calendar:"+id), m.Calendar.Method
	}
	var caseID any
	if m.CaseID != "" {
		caseID = m.CaseID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (id, kind, recipient, subject, body, calendar, calendar_method, created_at, next_attempt_at, case_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, m.Kind, o.sealer.SealString(m.To, "outbox.recipient:"+id), m.Subject, o.sealer.SealString(m.Text, "outbox.body:"+id),
		calendar, method, now, now, caseID)
	if err != nil {
		return "", fmt.Errorf("mail: enqueue: %w", err)
	}
	tx.AfterCommit(o.Kick)
	return id, nil
}

// Kick wakes the worker without blocking.
func (o *Outbox) Kick() {
	select {
	case o.kick <- struct{}{}:
	default:
	}
}

// Stats is the outbox's state for /metrics.
type Stats struct {
	Pending      int
	Failed       int
	OldestQueued time.Time // zero when nothing is pending
}

// Stats counts pending and failed messages and finds the oldest pending one.
func (o *Outbox) Stats(ctx context.Context) (Stats, error) {
	var s Stats
	var oldest store.Time
	err := store.Scan(o.db.QueryRowContext(ctx, `SELECT
		COUNT(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL),
		COUNT(*) FILTER (WHERE failed_at IS NOT NULL),
		MIN(created_at) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL)
		FROM outbox`), &s.Pending, &s.Failed, &oldest)
	s.OldestQueued = oldest.Time
	return s, err
}

// Package audit appends to the audit log: who did what to which record, from
// where, and when. Rows are never changed or deleted (the database refuses),
// and detail never carries sensitive text.
//
// The log is also a hash chain, so that a change made behind psu's back by
// someone with access to the database itself shows. Each entry takes the
// next sequence number (seq) and stores hash = SHA-256 over a canonical
// encoding of its seq, the previous entry's hash and every column of its own
// (see entryHash). Verify walks the chain and names the first entry that no
// longer fits. Entries written before the chain began (migration 0008) have no
// seq; the first chained entry links to a digest of them all instead of a
// previous hash, so they are covered too.
//
// The hash is unkeyed: Record is called from code that does not hold the
// data key (the command line, and every domain through a plain Querier).
// Someone able to write to the database could therefore rewrite the log and
// recompute every later hash. An anchor closes that: keep the newest entry's
// seq and hash (printed by psu audit verify) somewhere other than the
// database, and a later Verify with that anchor shows whether anything up to
// it was rewritten.
package audit

import (
	"context"
	"errors"
	"fmt"

	"github.com/psu-project/psu/internal/store"
)

// Event is one audit entry.
type Event struct {
	ActorID    string // empty for the system or a visitor
	ActorRole  string // "system", "visitor", or a staff role
	Action     string // e.g. "auth.sign_in"
	TargetType string
	TargetID   string
	// CaseID is the case the action concerns, empty if none: ForCase lists
	// who looked at or changed a case.
	CaseID string
	// Source is where a member of staff acted from: the client address
	// (web.ClientIP), or a coarse label such as "cli". It is personal data of
	// staff, kept because an audit of staff access must say from where.
	// Record drops it for visitors: their addresses are never kept.
	Source string
	// Detail is a short note (a count, a role, a version) that never holds
	// sensitive text: it stays in the log for good, and the chain forbids
	// editing it out later.
	Detail string
}

// lockAppend takes the PostgreSQL advisory lock that serialises appends
// across transactions and psu instances (migrations use 7270701). It is
// released when the transaction ends.
const lockAppend = `SELECT pg_advisory_xact_lock(7270708)`

// Record appends e as the next entry of the chain, inside the caller's
// transaction when q is a *store.Tx, so the entry commits or rolls back with
// the change it describes; given the *store.DB, it runs a transaction of its
// own, shared with entries recorded at the same moment (group.go), and
// returns once the entry has committed.
//
// On PostgreSQL the append holds an advisory lock until the transaction ends,
// and every other audited transaction waits for it: record as the last write
// of a transaction. SQLite has one writer at a time anyway. Should two writers
// still read the same last entry (a transaction whose snapshot predates the
// lock), the unique seq makes the second fail rather than fork the chain.
func Record(ctx context.Context, q store.Querier, e Event) error {
	if e.Action == "" {
		return errors.New("audit: an entry needs an action")
	}
	if e.ActorRole == "" {
		e.ActorRole = "visitor"
	}
	if e.ActorRole == "visitor" {
		e.Source = ""
	}
	switch q := q.(type) {
	case *store.Tx:
		return appendEntry(ctx, q, e)
	case *store.DB:
		return appendAlone(ctx, q, e)
	case interface {
		Tx(context.Context, func(*store.Tx) error) error
	}:
		return q.Tx(ctx, func(tx *store.Tx) error { return appendEntry(ctx, tx, e) })
	default:
		return fmt.Errorf("audit: cannot write through %T", q)
	}
}

func appendEntry(ctx context.Context, tx *store.Tx, e Event) error {
	if tx.Engine() == store.Postgres {
		if _, err := tx.ExecContext(ctx, lockAppend); err != nil {
			return fmt.Errorf("audit: lock: %w", err)
		}
	}
	var lastSeq int64
	var lastHash string
	err := store.Scan(tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`), &lastSeq, &lastHash)
	switch {
	case errors.Is(err, store.ErrNotFound):
		// The first chained entry links to the entries written before the
		// chain began.
		before, err := digestBefore(ctx, tx)
		if err != nil {
			return err
		}
		lastHash = before.digest
	case err != nil:
		return fmt.Errorf("audit: last entry: %w", err)
	}
	en := newEntry(lastSeq+1, lastHash, store.NewID(), store.Now(), e)
	en.hash = text(entryHash(&en))
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (id, seq, prev_hash, hash, at, actor_id, actor_role, action, target_type, target_id, case_id, source, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		en.id, en.seq, en.prevHash, en.hash, en.at.Time, en.actorID, en.actorRole, en.action, en.targetType, en.targetID, en.caseID, en.source, en.detail)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

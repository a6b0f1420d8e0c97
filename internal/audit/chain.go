package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"time"

	"github.com/psu-project/psu/internal/store"
)

// entry is one audit_log row as stored. Every column may be NULL here,
// whatever the schema says: Verify reads rows that someone may have
// altered, and must report them rather than fail to read them.
type entry struct {
	seq                                                                      sql.NullInt64
	prevHash, hash, id                                                       sql.NullString
	at                                                                       store.Time
	actorID, actorRole, action, targetType, targetID, caseID, source, detail sql.NullString
}

const entryColumns = `seq, prev_hash, hash, id, at, actor_id, actor_role, action, target_type, target_id, case_id, source, detail`

func (en *entry) scan(rows *sql.Rows) error {
	return rows.Scan(&en.seq, &en.prevHash, &en.hash, &en.id, &en.at, &en.actorID, &en.actorRole, &en.action,
		&en.targetType, &en.targetID, &en.caseID, &en.source, &en.detail)
}

func text(s string) sql.NullString { return sql.NullString{String: s, Valid: true} }

// newEntry is the row Record writes for e: actor_id is NULL for no actor,
// every other column a value.
func newEntry(seq int64, prevHash, id string, at time.Time, e Event) entry {
	return entry{
		seq: sql.NullInt64{Int64: seq, Valid: true}, prevHash: text(prevHash), id: text(id),
		at:      store.Time{Time: at, Valid: true},
		actorID: sql.NullString{String: e.ActorID, Valid: e.ActorID != ""}, actorRole: text(e.ActorRole),
		action: text(e.Action), targetType: text(e.TargetType), targetID: text(e.TargetID),
		caseID: text(e.CaseID), source: text(e.Source), detail: text(e.Detail),
	}
}

// The canonical encoding: a label naming the format, then each field as a
// 4-byte big-endian length and its bytes, NULL as the length 0xFFFFFFFF with
// no bytes. Lengths make it unambiguous: no two different rows encode alike,
// whatever their text holds.
const (
	entryLabel  = "psu audit entry v1\n"
	beforeLabel = "psu audit before the chain v1\n"
)

func field(h hash.Hash, s sql.NullString) {
	var n [4]byte
	if !s.Valid {
		binary.BigEndian.PutUint32(n[:], 0xFFFFFFFF)
		h.Write(n[:])
		return
	}
	binary.BigEndian.PutUint32(n[:], uint32(len(s.String)))
	h.Write(n[:])
	h.Write([]byte(s.String))
}

// content writes the columns that say what happened, in a fixed order.
// Times are UTC with as many fractional digits as they have (microseconds at
// most, as the store keeps them).
func (en *entry) content(h hash.Hash) {
	at := sql.NullString{Valid: en.at.Valid}
	if en.at.Valid {
		at.String = en.at.Time.UTC().Format("2006-01-02T15:04:05.999999999Z")
	}
	for _, f := range []sql.NullString{en.id, at, en.actorID, en.actorRole, en.action, en.targetType, en.targetID, en.caseID, en.source, en.detail} {
		field(h, f)
	}
}

// entryHash is the hash an entry must carry: SHA-256 over the label, its
// seq, the previous entry's hash and its content, in hex.
func entryHash(en *entry) string {
	h := sha256.New()
	h.Write([]byte(entryLabel))
	seq := sql.NullString{Valid: en.seq.Valid}
	if en.seq.Valid {
		seq.String = strconv.FormatInt(en.seq.Int64, 10)
	}
	field(h, seq)
	field(h, en.prevHash)
	en.content(h)
	return hex.EncodeToString(h.Sum(nil))
}

// before is what the entries written before the chain began add up to.
type before struct {
	digest string // what the first chained entry's prev_hash must be
	count  int
	newest entry // the one with the latest time; zero when there are none
}

// digestBefore reads the entries without a seq in (at, id) order and hashes
// their content into one digest. The order is byte order on both engines
// (PostgreSQL's default collation could differ, and change with a restore
// onto another locale), so the digest stays the same wherever it is taken.
func digestBefore(ctx context.Context, q store.Querier) (before, error) {
	order := `ORDER BY at, id`
	if q.Engine() == store.Postgres {
		order = `ORDER BY at, id COLLATE "C"`
	}
	rows, err := q.QueryContext(ctx, `SELECT `+entryColumns+` FROM audit_log WHERE seq IS NULL `+order)
	if err != nil {
		return before{}, fmt.Errorf("audit: entries before the chain: %w", err)
	}
	defer rows.Close()
	h := sha256.New()
	h.Write([]byte(beforeLabel))
	var b before
	for rows.Next() {
		var en entry
		if err := en.scan(rows); err != nil {
			return before{}, fmt.Errorf("audit: entries before the chain: %w", err)
		}
		en.content(h)
		b.count++
		if !b.newest.at.Valid || en.at.Valid && en.at.Time.After(b.newest.at.Time) {
			b.newest = en
		}
	}
	if err := rows.Err(); err != nil {
		return before{}, fmt.Errorf("audit: entries before the chain: %w", err)
	}
	b.digest = hex.EncodeToString(h.Sum(nil))
	return b, nil
}

package audit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/psu-project/psu/internal/store"
)

// Report is what Verify found.
type Report struct {
	// Checked counts the chained entries found sound: all of them when the
	// chain is whole, those before the break otherwise.
	Checked int
	// BeforeChain counts the entries written before the chain began (they
	// have no seq; the first chained entry links to a digest of them all).
	BeforeChain int
	// Newest is the seq and hash of the newest entry checked, zero when the
	// chain is empty. Kept somewhere other than the database, it is an
	// anchor for a later Verify.
	Newest Anchor
	// Problem is the first break in the chain, nil when it is whole.
	Problem *Problem
}

// OK reports whether the chain is whole.
func (r Report) OK() bool { return r.Problem == nil }

// Anchor is an entry's seq and hash, noted at one time so that a later
// Verify can show that nothing up to that entry has been rewritten since,
// even by someone who recomputed every hash after a change.
type Anchor struct {
	Seq  int64
	Hash string
}

// String gives the anchor as SEQ:HASH, the form ParseAnchor reads.
func (a Anchor) String() string { return strconv.FormatInt(a.Seq, 10) + ":" + a.Hash }

// ParseAnchor reads SEQ:HASH as Anchor.String writes it.
func ParseAnchor(s string) (Anchor, error) {
	seq, h, ok := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n < 1 || len(h) != 64 || strings.Trim(strings.ToLower(h), "0123456789abcdef") != "" {
		return Anchor{}, errors.New("an anchor is the entry number, a colon and its 64-character hash, as psu audit verify prints it")
	}
	return Anchor{Seq: n, Hash: strings.ToLower(h)}, nil
}

// Kind says how the chain is broken.
type Kind string

const (
	// Changed: the entry's content no longer matches its hash.
	Changed Kind = "changed"
	// Missing: entries are missing, a gap in seq (or, past an anchor, the
	// newest entries).
	Missing Kind = "missing"
	// Unlinked: the entry matches its own hash but does not follow on from
	// the entry before it: that one was changed and its hash recomputed, or
	// this one was put there by something other than psu.
	Unlinked Kind = "unlinked"
	// Added: psu did not write the entry in this place: it repeats a seq,
	// or it has none but is newer than the start of the chain.
	Added Kind = "added"
	// Rewritten: the entry is not the one an anchor noted: the log was
	// rewritten, from this entry or earlier.
	Rewritten Kind = "rewritten"
	// BeforeChainChanged: the entries written before the chain began no
	// longer add up to what the first chained entry links to: one of them
	// was changed or removed, or one was added.
	BeforeChainChanged Kind = "before_chain_changed"
)

// Problem names the first entry where the chain breaks.
type Problem struct {
	Kind Kind
	// Seq is the entry's place in the chain; for Missing, the first missing
	// place. Zero for an entry without a seq.
	Seq int64
	// Through is the last missing place, for Missing.
	Through int64
	// ID is the entry's id; for Missing, the id of the entry after the gap
	// ("" when the newest entries are missing). Empty for
	// BeforeChainChanged.
	ID string
	// Prev names the entry before, for Unlinked.
	Prev Anchor
}

// String says what is wrong in a sentence for the person who runs verify.
func (p *Problem) String() string {
	switch p.Kind {
	case Changed:
		return fmt.Sprintf("entry %d (id %s) was changed: its content no longer matches its hash", p.Seq, p.ID)
	case Missing:
		span := fmt.Sprintf("entry %d is missing", p.Seq)
		if p.Through > p.Seq {
			span = fmt.Sprintf("entries %d to %d are missing", p.Seq, p.Through)
		}
		if p.ID == "" {
			return span + ": the newest entries were removed"
		}
		return fmt.Sprintf("%s: the chain jumps to entry %d (id %s)", span, p.Through+1, p.ID)
	case Unlinked:
		return fmt.Sprintf("entry %d (id %s) does not follow on from entry %d: entry %d was changed and its hash recomputed, or entry %d was added by something other than psu",
			p.Seq, p.ID, p.Prev.Seq, p.Prev.Seq, p.Seq)
	case Added:
		if p.Seq == 0 {
			return fmt.Sprintf("entry id %s was added by something other than psu: it has no place in the chain but is newer than the chain's start", p.ID)
		}
		return fmt.Sprintf("entry %d appears twice (id %s): one was added by something other than psu", p.Seq, p.ID)
	case Rewritten:
		return fmt.Sprintf("entry %d (id %s) is not the entry the anchor noted: the log was rewritten from there or earlier", p.Seq, p.ID)
	case BeforeChainChanged:
		return "the entries written before the chain began were changed: one was altered or removed, or one was added"
	}
	return string(p.Kind)
}

// Verify walks the chain in seq order, in one read transaction, recomputes
// every hash and checks every link, and reports the first break. Anchors
// (from earlier reports) are checked on the way: each noted entry must still
// be there with the same hash. Without an anchor, the removal of the newest
// entries, or a log rewritten whole with every hash recomputed, cannot be
// told from a log that never held them.
func Verify(ctx context.Context, q store.Querier, anchors ...Anchor) (Report, error) {
	var rep Report
	err := q.ReadTx(ctx, func(tx *store.Tx) error {
		rep = Report{}
		b, err := digestBefore(ctx, tx)
		if err != nil {
			return err
		}
		rep.BeforeChain = b.count
		rows, err := tx.QueryContext(ctx, `SELECT `+entryColumns+` FROM audit_log WHERE seq IS NOT NULL ORDER BY seq`)
		if err != nil {
			return fmt.Errorf("audit: read the chain: %w", err)
		}
		defer rows.Close()
		want := map[int64]string{}
		for _, a := range anchors {
			want[a.Seq] = a.Hash
		}
		prev := Anchor{Hash: b.digest}
		for rows.Next() {
			var en entry
			if err := en.scan(rows); err != nil {
				return fmt.Errorf("audit: read the chain: %w", err)
			}
			if p := check(&en, prev, b, want); p != nil {
				rep.Problem = p
				return nil
			}
			prev = Anchor{Seq: en.seq.Int64, Hash: en.hash.String}
			rep.Checked++
			rep.Newest = prev
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("audit: read the chain: %w", err)
		}
		for _, a := range anchors {
			if a.Seq > prev.Seq {
				rep.Problem = &Problem{Kind: Missing, Seq: prev.Seq + 1, Through: a.Seq}
				break
			}
		}
		return nil
	})
	return rep, err
}

// check compares en with what the chain says it must be, given the entry
// before it (for the first, the digest of the entries before the chain).
func check(en *entry, prev Anchor, b before, anchors map[int64]string) *Problem {
	seq := en.seq.Int64
	switch {
	case seq <= prev.Seq:
		return &Problem{Kind: Added, Seq: seq, ID: en.id.String}
	case seq > prev.Seq+1:
		return &Problem{Kind: Missing, Seq: prev.Seq + 1, Through: seq - 1, ID: en.id.String}
	case !en.hash.Valid || en.hash.String != entryHash(en):
		return &Problem{Kind: Changed, Seq: seq, ID: en.id.String}
	case en.prevHash.String == prev.Hash:
		if h, ok := anchors[seq]; ok && h != en.hash.String {
			return &Problem{Kind: Rewritten, Seq: seq, ID: en.id.String}
		}
		return nil
	case seq > 1:
		return &Problem{Kind: Unlinked, Seq: seq, ID: en.id.String, Prev: prev}
	case b.newest.at.Valid && en.at.Valid && b.newest.at.Time.After(en.at.Time):
		// The first entry no longer matches what came before it, and one of
		// those is newer than the chain itself: that one did not exist when
		// the chain began.
		return &Problem{Kind: Added, ID: b.newest.id.String}
	default:
		return &Problem{Kind: BeforeChainChanged}
	}
}

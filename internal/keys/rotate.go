package keys

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
)

// Progress is how far re-sealing one column has come: Done of Total
// values are under the current key.
type Progress struct {
	Column      string
	Done, Total int
}

// Report is what Rotate did.
type Report struct {
	Key      uint32 // the key everything was re-sealed under
	Resealed int
	// Left counts values still under another key after the last pass:
	// written meanwhile by a psu that had not yet read the new key file.
	Left int
}

// passes bounds how often Rotate sweeps a column again for values written
// (or changed) under an older key while it ran.
const passes = 3

// Rotate re-seals, under s's current key, every sealed value that is under
// another of s's keys, column by column in batches of one transaction each.
// It needs no state of its own: a value already under the current key is
// skipped, so a rotation that was stopped part way resumes by running
// again. Each value is replaced only if it has not changed since it was
// read, so psu can keep serving (and writing) meanwhile. progress, if not
// nil, is called after every batch.
func Rotate(ctx context.Context, db *store.DB, s *seal.Sealer, progress func(Progress)) (Report, error) {
	rep := Report{Key: s.Current()}
	head := seal.Header(rep.Key)
	cols, err := InSchema(ctx, db)
	if err != nil {
		return rep, err
	}
	for _, c := range cols {
		total, left, err := counts(ctx, db, c, head)
		if err != nil {
			return rep, err
		}
		p := Progress{Column: c.String(), Done: total - left, Total: total}
		if progress != nil {
			progress(p)
		}
		for pass := 0; pass < passes && left > 0; pass++ {
			n, err := sweep(ctx, db, s, c, head, func(n int) {
				p.Done += n
				if progress != nil {
					progress(p)
				}
			})
			rep.Resealed += n
			if err != nil {
				return rep, err
			}
			if total, left, err = counts(ctx, db, c, head); err != nil {
				return rep, err
			}
			if p.Done != total-left || p.Total != total {
				p.Done, p.Total = total-left, total
				if progress != nil {
					progress(p)
				}
			}
		}
		rep.Left += left
	}
	return rep, nil
}

// where picks the values of c not under the key whose values start with
// head. Empty values are not sealed values (a case whose key was
// destroyed keeps an empty one).
func where(c Column) string {
	return c.Name + ` IS NOT NULL AND length(` + c.Name + `) > 0 AND substr(` + c.Name + `, 1, ?) <> ?`
}

func counts(ctx context.Context, db *store.DB, c Column, head []byte) (total, left int, err error) {
	err = store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN `+where(c)+` THEN 1 ELSE 0 END), 0)
		FROM `+c.Table+` WHERE `+c.Name+` IS NOT NULL AND length(`+c.Name+`) > 0`, len(head), head), &total, &left)
	if err != nil {
		return 0, 0, fmt.Errorf("keys: count %s: %w", c, err)
	}
	return total, left, nil
}

type row struct {
	id       string
	old, new []byte
}

// sweep walks c once in id order, re-sealing each value not under head's
// key; done is told how many each batch changed.
func sweep(ctx context.Context, db *store.DB, s *seal.Sealer, c Column, head []byte, done func(int)) (int, error) {
	total, after := 0, ""
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		batch, err := readBatch(ctx, db, c, head, after)
		if err != nil || len(batch) == 0 {
			return total, err
		}
		after = batch[len(batch)-1].id
		for i := range batch {
			r := &batch[i]
			pt, err := s.Open(r.old, c.Context+r.id)
			if err != nil {
				return total, unreadable(c, r.id, r.old, s)
			}
			r.new = s.Seal(pt, c.Context+r.id)
		}
		changed := 0
		err = db.Tx(ctx, func(tx *store.Tx) error {
			changed = 0
			for _, r := range batch {
				// Only if unchanged since read: psu may have rewritten it
				// (a draft saved again); the next pass sees the new value.
				res, err := tx.ExecContext(ctx, `UPDATE `+c.Table+` SET `+c.Name+` = ? WHERE `+c.ID+` = ? AND `+c.Name+` = ?`, r.new, r.id, r.old)
				if err != nil {
					return err
				}
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				changed += int(n)
			}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("keys: re-seal %s: %w", c, err)
		}
		total += changed
		done(changed)
	}
}

func readBatch(ctx context.Context, db *store.DB, c Column, head []byte, after string) ([]row, error) {
	rows, err := db.QueryContext(ctx, `SELECT `+c.ID+`, `+c.Name+` FROM `+c.Table+` WHERE `+where(c)+` AND `+c.ID+` > ?
		ORDER BY `+c.ID+` LIMIT ?`, len(head), head, after, c.Batch)
	if err != nil {
		return nil, fmt.Errorf("keys: read %s: %w", c, err)
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.old); err != nil {
			return nil, fmt.Errorf("keys: read %s: %w", c, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("keys: read %s: %w", c, err)
	}
	return out, nil
}

// ErrUnreadable means a sealed value opens with none of the keys at hand.
var ErrUnreadable = errors.New("a sealed value opens with none of the keys in the key file")

func unreadable(c Column, id string, v []byte, s *seal.Sealer) error {
	why := "it was altered, or sealed under another key file"
	if k, ok := seal.KeyID(v); ok && !s.Holds(k) {
		why = fmt.Sprintf("it is sealed under key %d, which the key file does not hold", k)
	}
	return fmt.Errorf("%w: %s, row %s: %s", ErrUnreadable, c, id, why)
}

// InSchema is Sealed less the columns this database's schema lacks (a
// backup taken before a column was added).
func InSchema(ctx context.Context, q store.Querier) ([]Column, error) {
	all, err := store.Columns(ctx, q)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, c := range all {
		have[c.Table+"."+c.Name] = true
	}
	var out []Column
	for _, c := range Sealed {
		if have[c.String()] {
			out = append(out, c)
		}
	}
	return out, nil
}

// Usage is, for one key id, how many values are sealed under it and in
// which columns.
type Usage struct {
	Key      uint32 // 0: values whose header names no key (damaged)
	Values   int
	ByColumn map[string]int
}

// Count counts the sealed values under each key, from their headers.
func Count(ctx context.Context, db *store.DB) ([]Usage, error) {
	cols, err := InSchema(ctx, db)
	if err != nil {
		return nil, err
	}
	byKey := map[uint32]*Usage{}
	for _, c := range cols {
		rows, err := db.QueryContext(ctx, `SELECT h, COUNT(*) FROM (SELECT CASE WHEN substr(`+c.Name+`, 1, 1) = ? THEN substr(`+c.Name+`, 1, 5) ELSE substr(`+c.Name+`, 1, 1) END AS h
			FROM `+c.Table+` WHERE `+c.Name+` IS NOT NULL AND length(`+c.Name+`) > 0) x GROUP BY h`, []byte{2})
		if err != nil {
			return nil, fmt.Errorf("keys: count %s: %w", c, err)
		}
		for rows.Next() {
			var h []byte
			var n int
			if err := rows.Scan(&h, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("keys: count %s: %w", c, err)
			}
			id, _ := seal.KeyID(h)
			if id != 0 && !bytes.Equal(seal.Header(id), h) {
				id = 0
			}
			u := byKey[id]
			if u == nil {
				u = &Usage{Key: id, ByColumn: map[string]int{}}
				byKey[id] = u
			}
			u.Values += n
			u.ByColumn[c.String()] += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("keys: count %s: %w", c, err)
		}
	}
	out := make([]Usage, 0, len(byKey))
	for _, u := range byKey {
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key > out[j].Key })
	return out, nil
}

// Columns lists u's columns with their counts, largest first, for a
// message.
func (u Usage) Columns() string {
	type cn struct {
		c string
		n int
	}
	var l []cn
	for c, n := range u.ByColumn {
		l = append(l, cn{c, n})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].n > l[j].n || l[i].n == l[j].n && l[i].c < l[j].c })
	parts := make([]string, len(l))
	for i, x := range l {
		parts[i] = fmt.Sprintf("%s %d", x.c, x.n)
	}
	return strings.Join(parts, ", ")
}

// Check opens a sample of every sealed column (the first and last n rows
// of each) with s, and checks every value's header names a key s holds: a
// backup must be readable with the key file before it replaces anything.
func Check(ctx context.Context, db *store.DB, s *seal.Sealer, n int) (opened int, err error) {
	cols, err := InSchema(ctx, db)
	if err != nil {
		return 0, err
	}
	usage, err := Count(ctx, db)
	if err != nil {
		return 0, err
	}
	for _, u := range usage {
		if u.Key == 0 || !s.Holds(u.Key) {
			what := fmt.Sprintf("under key %d, which the key file does not hold", u.Key)
			if u.Key == 0 {
				what = "damaged (their first bytes name no key)"
			}
			return 0, fmt.Errorf("%w: %d values are %s (%s)", ErrUnreadable, u.Values, what, u.Columns())
		}
	}
	for _, c := range cols {
		seen := map[string]bool{}
		for _, order := range []string{"ASC", "DESC"} {
			rows, err := db.QueryContext(ctx, `SELECT `+c.ID+`, `+c.Name+` FROM `+c.Table+` WHERE `+c.Name+` IS NOT NULL AND length(`+c.Name+`) > 0
				ORDER BY `+c.ID+` `+order+` LIMIT ?`, n)
			if err != nil {
				return opened, fmt.Errorf("keys: read %s: %w", c, err)
			}
			var batch []row
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.old); err != nil {
					rows.Close()
					return opened, err
				}
				batch = append(batch, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return opened, fmt.Errorf("keys: read %s: %w", c, err)
			}
			for _, r := range batch {
				if seen[r.id] {
					continue
				}
				seen[r.id] = true
				if _, err := s.Open(r.old, c.Context+r.id); err != nil {
					return opened, unreadable(c, r.id, r.old, s)
				}
				opened++
			}
		}
	}
	return opened, nil
}

package store_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// InsertRows writes more rows than one statement carries, every value
// (times, bytes, NULL) reading back as a row-by-row INSERT stores it; a
// duplicate key fails the whole call with the sentinel, inside the caller's
// transaction.
func TestInsertRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		at := time.Date(2026, 3, 29, 0, 30, 0, 123456789, time.FixedZone("BST", 3600))
		cols := []string{"id", "kind", "recipient", "subject", "body", "created_at", "next_attempt_at", "sent_at"}
		var rows [][]any
		for i := range 2345 {
			var sent any
			if i%2 == 0 {
				sent = at
			}
			rows = append(rows, []any{fmt.Sprintf("m%05d", i), "test", []byte{byte(i), 0, 255}, "s", []byte("body"), at, at, sent})
		}
		if err := db.Tx(ctx, func(tx *store.Tx) error { return store.InsertRows(ctx, tx, "outbox", cols, rows) }); err != nil {
			t.Fatal(err)
		}
		var n, sent int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(sent_at) FROM outbox`), &n, &sent)
		if n != 2345 || sent != 1173 {
			t.Fatalf("%d rows, %d sent; want 2345, 1173", n, sent)
		}
		var recipient []byte
		var created time.Time
		if err := store.Scan(db.QueryRowContext(ctx, `SELECT recipient, created_at FROM outbox WHERE id = 'm01000'`), &recipient, &created); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(recipient, []byte{232, 0, 255}) || !created.Equal(at.Truncate(time.Microsecond)) {
			t.Errorf("read back %v %v", recipient, created)
		}

		err := db.Tx(ctx, func(tx *store.Tx) error {
			return store.InsertRows(ctx, tx, "outbox", cols, [][]any{{"new", "test", []byte{1}, "s", []byte("b"), at, at, nil}, rows[7]})
		})
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate id: %v, want ErrConflict", err)
		}
		if store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE id = 'new'`), &n); n != 0 {
			t.Error("a failed insert left a row")
		}
		if err := store.InsertRows(ctx, db, "outbox", cols, [][]any{{"short"}}); err == nil {
			t.Error("a row with too few values was accepted")
		}
	})
}

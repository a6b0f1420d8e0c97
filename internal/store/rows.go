package store

import (
	"context"
	"fmt"
	"strings"
)

// maxParams keeps a statement under both engines' limit on bound values
// (SQLite 32766, PostgreSQL 65535).
const maxParams = 30000

// InsertRows inserts rows, each a slice of values in the order of cols,
// into table with multi-row INSERT statements: as many rows to a statement
// as the engines' limit on parameters allows, and at most 1000. It is for
// bulk writers (psu demo), where one statement per row would be a round
// trip per row; values are bound as in any other statement, so times and
// bytes are stored exactly as ExecContext stores them. A statement's text
// depends only on how many rows it carries, so full batches share one.
func InsertRows(ctx context.Context, q Querier, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := min(1000, maxParams/len(cols))
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	head := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "
	args := make([]any, 0, per*len(cols))
	for len(rows) > 0 {
		n := min(len(rows), per)
		args = args[:0]
		for _, r := range rows[:n] {
			if len(r) != len(cols) {
				return fmt.Errorf("store: insert into %s: a row has %d values for %d columns", table, len(r), len(cols))
			}
			args = append(args, r...)
		}
		query := head + strings.TrimSuffix(strings.Repeat(one+", ", n), ", ")
		if _, err := q.ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("store: insert into %s: %w", table, err)
		}
		rows = rows[n:]
	}
	return nil
}

package directory

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/psu-project/psu/internal/store"
)

// Lists and batches of rows travel as one JSON parameter, so each query
// keeps one fixed text however many values it carries (the store caches
// rewritten query texts, and PostgreSQL plans them once). These are the
// directory's only dialect branches outside the search query.

// inJSON is an IN (…) list read from one JSON array parameter of strings.
func inJSON(e store.Engine) string {
	if e == store.Postgres {
		return "(SELECT json_array_elements_text(CAST(? AS json)))"
	}
	return "(SELECT value FROM json_each(?))"
}

// inJSONInt is inJSON for a JSON array of integers.
func inJSONInt(e store.Engine) string {
	if e == store.Postgres {
		return "(SELECT CAST(json_array_elements_text(CAST(? AS json)) AS bigint))"
	}
	return "(SELECT value FROM json_each(?))"
}

// jsonParam encodes v (a slice) as the JSON text inJSON and insertRows read.
func jsonParam(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // slices of strings and numbers always encode
	}
	return string(b)
}

// column is one column of insertRows: its name and SQL type on PostgreSQL.
type column struct{ name, pgType string }

// insertRows inserts rows (each a slice of values in column order) into
// table with one statement per 5000 rows.
func insertRows(ctx context.Context, q store.Querier, table string, cols []column, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	var names, sel string
	for i, c := range cols {
		if i > 0 {
			names += ", "
			sel += ", "
		}
		names += c.name
		if q.Engine() == store.Postgres {
			sel += fmt.Sprintf("CAST(x->>%d AS %s)", i, c.pgType)
		} else {
			sel += fmt.Sprintf("json_extract(value, '$[%d]')", i)
		}
	}
	query := "INSERT INTO " + table + " (" + names + ") SELECT " + sel + " FROM json_each(?)"
	if q.Engine() == store.Postgres {
		query = "INSERT INTO " + table + " (" + names + ") SELECT " + sel + " FROM json_array_elements(CAST(? AS json)) AS x"
	}
	for len(rows) > 0 {
		n := min(len(rows), 5000)
		if _, err := q.ExecContext(ctx, query, jsonParam(rows[:n])); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
		rows = rows[n:]
	}
	return nil
}

package reports

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/psu-project/psu/internal/store"
)

// A Keeper keeps each report's figures month by month, so a view of a
// year recounts only the months that changed since it last counted them.
//
// Each month has a version in report_versions, bumped by triggers (migration
// 0029) whenever anything a report reads changes under that month. The
// figures kept for a month are used while its version is the one they were
// counted at; the versions and the recount are read in one read
// transaction, so what is kept always matches the version stored with it.
// Several psu processes on one database each keep their own and stay right.
// Figures that depend on the time of day (a first response still within
// its 14 days is not yet counted) are kept with their deadline and decided
// when the report is read.
type Keeper struct {
	mu   sync.Mutex
	kept map[string]map[string]kept // kind → month (2006-01) → figures
}

// NewKeeper returns a Keeper with nothing kept yet.
func NewKeeper() *Keeper { return &Keeper{kept: map[string]map[string]kept{}} }

type kept struct {
	version int64
	facts   []fact
}

// fact is one row of a report's figures within one month: how many cases
// share every value in it.
type fact struct {
	key          string // the label counted by, or an adviser's id
	prof, region string // the cases' profession and region, for filters
	met          bool   // for targets: met
	tenths       int32  // days from start to end in tenths, or -1
	// deadline, for a target not yet reached, is when (Unix seconds) the
	// case starts counting as not met; until then it is left out. Zero
	// when the case does not wait.
	deadline float64
	n        int
}

// waiting reports whether f is a case whose time is still running at now.
func (f fact) waiting(now time.Time) bool {
	return f.deadline != 0 && f.deadline >= float64(now.UnixNano())/1e9
}

// kind is one set of figures the reports keep.
type kind struct {
	name string
	// sql selects month (2006-01), key, profession, region, met (0 or 1),
	// tenths (NULL for none), deadline (NULL for none) and a count, for
	// cases counted under a month in [from, to); args gives its parameters.
	// Profession and region are counted by only when the report is
	// narrowed by them (narrow), so a report of every case reads as few
	// facts as it can.
	sql  func(e store.Engine, by string) string
	args func(from, to time.Time) []any
}

func rangeArgs(from, to time.Time) []any { return []any{from.UTC(), to.UTC()} }

// facts returns kd's figures for each month of [from, to), counting again
// only the months whose version changed.
func (k *Keeper) facts(ctx context.Context, q store.Querier, kd kind, by string, from, to time.Time) (factSets, error) {
	name := kd.name + "/" + by
	months := Months(from, to)
	if len(months) == 0 {
		return nil, nil
	}
	var out factSets
	err := q.ReadTx(ctx, func(tx *store.Tx) error {
		out = out[:0]
		versions, err := readVersions(ctx, tx, months[0], months[len(months)-1])
		if err != nil {
			return err
		}
		k.mu.Lock()
		have := k.kept[name]
		var stale []time.Time
		for _, m := range months {
			if c, ok := have[m.Format("2006-01")]; !ok || c.version != versions[m.Format("2006-01")] {
				stale = append(stale, m)
			}
		}
		k.mu.Unlock()
		if len(stale) > 0 {
			// One count over the span of the stale months; the months
			// between them are counted again too, at their own versions.
			counted, err := count(ctx, tx, kd, by, stale[0], stale[len(stale)-1].AddDate(0, 1, 0))
			if err != nil {
				return err
			}
			k.mu.Lock()
			if k.kept[name] == nil {
				k.kept[name] = map[string]kept{}
			}
			for _, m := range Months(stale[0], stale[len(stale)-1].AddDate(0, 1, 0)) {
				key := m.Format("2006-01")
				k.kept[name][key] = kept{version: versions[key], facts: counted[key]}
			}
			k.mu.Unlock()
		}
		k.mu.Lock()
		defer k.mu.Unlock()
		for _, m := range months {
			key := m.Format("2006-01")
			out = append(out, monthSet{month: key, facts: k.kept[name][key].facts})
		}
		return nil
	})
	return out, err
}

// monthSet is the facts of one month, as kept (never changed in place).
type monthSet struct {
	month string
	ended bool // in the caseload: the cases counted when they ended
	facts []fact
}

// factSets are the facts a report reads, month by month.
type factSets []monthSet

// each calls fn with every fact of fs and its month.
func (fs factSets) each(fn func(s *monthSet, f *fact)) {
	for i := range fs {
		for j := range fs[i].facts {
			fn(&fs[i], &fs[i].facts[j])
		}
	}
}

// readVersions reads the version of each month from first to last; a month
// without a row has version 0.
func readVersions(ctx context.Context, q store.Querier, first, last time.Time) (map[string]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT month, v FROM report_versions WHERE month >= ? AND month <= ?`,
		first.Format("2006-01"), last.Format("2006-01"))
	if err != nil {
		return nil, fmt.Errorf("reports: versions: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var m string
		var v int64
		if err := rows.Scan(&m, &v); err != nil {
			return nil, err
		}
		out[m] = v
	}
	return out, rows.Err()
}

// count runs kd over [from, to), by month.
func count(ctx context.Context, q store.Querier, kd kind, by string, from, to time.Time) (map[string][]fact, error) {
	rows, err := q.QueryContext(ctx, kd.sql(q.Engine(), by), kd.args(from, to)...)
	if err != nil {
		return nil, fmt.Errorf("reports: %s: %w", kd.name, err)
	}
	defer rows.Close()
	out := map[string][]fact{}
	strs := map[string]string{} // one copy of each repeated value
	intern := func(s string) string {
		if v, ok := strs[s]; ok {
			return v
		}
		strs[s] = s
		return s
	}
	for rows.Next() {
		var m, key, prof, region string
		var met, n int
		var tenths sql.NullInt64
		var deadline sql.NullFloat64
		if err := rows.Scan(&m, &key, &prof, &region, &met, &tenths, &deadline, &n); err != nil {
			return nil, fmt.Errorf("reports: %s: %w", kd.name, err)
		}
		f := fact{key: intern(key), prof: intern(prof), region: intern(region), met: met == 1, tenths: -1, n: n}
		if tenths.Valid {
			f.tenths = int32(tenths.Int64)
		}
		if deadline.Valid {
			f.deadline = deadline.Float64
		}
		m = intern(m)
		out[m] = append(out[m], f)
	}
	return out, rows.Err()
}

// narrow is the SQL for the profession and region columns of a count
// narrowed by by: the column narrowed by, and ” for the other.
func narrow(by, prof, region string) string {
	const none = "CAST('' AS TEXT)"
	switch by {
	case "profession":
		return prof + ", " + none
	case "region":
		return none + ", " + region
	}
	return none + ", " + none
}

// epoch is the SQL for t as Unix seconds.
func epoch(e store.Engine, t string) string {
	if e == store.Postgres {
		return "CAST(EXTRACT(EPOCH FROM " + t + ") AS DOUBLE PRECISION)"
	}
	return "((julianday(" + t + ") - 2440587.5) * 86400.0)"
}

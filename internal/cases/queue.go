package cases

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/workdays"
)

// PageSize is how many cases a queue page shows.
const PageSize = 25

// Filter is what a queue shows, as held in its address.
type Filter struct {
	Status     Status
	Adviser    string // a user id, or "none" for unassigned
	Profession string
	Region     string
	Topic      string
	Clock      ClockState
	Sort       string // "" newest first, "oldest", "due" (soonest target first)
	Page       int    // from 1
}

// Sorts a queue offers.
var Sorts = []struct{ Value, Label string }{
	{"", "Newest first"},
	{"oldest", "Oldest first"},
	{"due", "Reply due soonest"},
}

// ParseFilter reads a filter from a query string, ignoring anything it does
// not recognise (an old bookmark never breaks the page).
func ParseFilter(q url.Values) Filter {
	f := Filter{Page: 1}
	if s := Status(q.Get("status")); s.Valid() {
		f.Status = s
	}
	if a := q.Get("adviser"); a == "none" || store.ValidID(a) {
		f.Adviser = a
	}
	if p := q.Get("profession"); eligibility.ValidProfession(p) {
		f.Profession = p
	}
	if r := q.Get("region"); eligibility.ValidRegion(r) {
		f.Region = r
	}
	for _, t := range Topics {
		if q.Get("topic") == t.Value {
			f.Topic = t.Value
		}
	}
	for _, c := range ClockStates {
		if ClockState(q.Get("clock")) == c.Value {
			f.Clock = c.Value
		}
	}
	for _, s := range Sorts {
		if q.Get("sort") == s.Value {
			f.Sort = s.Value
		}
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n <= 10000 {
		f.Page = n
	}
	return f
}

// Query is the filter as an address query, without the page.
func (f Filter) Query() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("status", string(f.Status))
	set("adviser", f.Adviser)
	set("profession", f.Profession)
	set("region", f.Region)
	set("topic", f.Topic)
	set("clock", string(f.Clock))
	set("sort", f.Sort)
	return q
}

// Active reports whether any filter is set.
func (f Filter) Active() bool {
	f.Sort, f.Page = "", 1
	return f != Filter{Page: 1}
}

// Row is one case in the queue. Hidden rows (a declared conflict, or a
// restricted case not assigned to the viewer) show only that the case
// exists.
type Row struct {
	Case        *Case
	Name        string
	AdviserName string
	Clock       Clock
	Conflicted  bool
	Hidden      bool
}

// Queue is one page of the queue for a viewer.
type Queue struct {
	Rows []Row
	More bool // there is a next page
}

// Queue lists the cases v may see that match f, one page of them. An
// adviser sees only what is assigned to them; a lead sees every case.
func (s *Store) Queue(ctx context.Context, v Viewer, f Filter, now time.Time) (Queue, error) {
	clock, _, err := s.workClock(ctx)
	if err != nil {
		return Queue{}, err
	}
	var where []string
	var args []any
	from := `cases c`
	order := `c.opened_at DESC, c.id DESC`
	switch f.Sort {
	case "oldest":
		order = `c.opened_at, c.id`
	case "due":
		order = `c.response_due, c.id`
	}
	if f.Topic != "" {
		// The topic table carries opened_at so this filter reads in order
		// from its own index.
		from = `case_topics t JOIN cases c ON c.id = t.case_id`
		where, args = append(where, `t.topic = ?`), append(args, f.Topic)
		if f.Sort == "" {
			order = `t.opened_at DESC, t.case_id DESC`
		} else if f.Sort == "oldest" {
			order = `t.opened_at, t.case_id`
		}
	}
	if !v.Lead {
		where, args = append(where, `c.assigned_to = ?`), append(args, v.UserID)
	}
	if f.Status != "" {
		where, args = append(where, `c.status = ?`), append(args, f.Status)
	}
	switch f.Adviser {
	case "":
	case "none":
		where = append(where, `c.assigned_to IS NULL`)
	default:
		where, args = append(where, `c.assigned_to = ?`), append(args, f.Adviser)
	}
	if f.Profession != "" {
		where, args = append(where, `c.profession = ?`), append(args, f.Profession)
	}
	if f.Region != "" {
		where, args = append(where, `c.region = ?`), append(args, f.Region)
	}
	running := `c.status = 'new' AND c.responded_at IS NULL AND c.clock_paused_at IS NULL AND c.response_due IS NOT NULL`
	// Each clock filter has a partial index in the queue's order
	// (migration 0020). SQLite's planner, working from sampled statistics,
	// can prefer to walk every new case or to sort every match, so there
	// the read names its index; PostgreSQL chooses these itself.
	indexed := func(index string) {
		if s.DB.Engine() == store.SQLite && f.Topic == "" {
			from = `cases c INDEXED BY ` + index
		}
	}
	switch f.Clock {
	case ClockOverdue:
		indexed("cases_running_opened")
		where, args = append(where, running+` AND c.response_due < ?`), append(args, workdays.StartOfDay(now))
	case ClockDueSoon:
		indexed("cases_running_opened")
		where, args = append(where, running+` AND c.response_due >= ? AND c.response_due <= ?`), append(args, workdays.StartOfDay(now), amberFrom(clock, now))
	case ClockOnTrack:
		indexed("cases_running_opened")
		where, args = append(where, running+` AND c.response_due > ?`), append(args, amberFrom(clock, now))
	case ClockPaused:
		indexed("cases_paused_opened")
		where = append(where, `c.status = 'new' AND c.responded_at IS NULL AND c.clock_paused_at IS NOT NULL`)
	case ClockMet:
		where = append(where, `c.responded_at IS NOT NULL AND c.responded_at <= c.response_due`)
	case ClockLate:
		indexed("cases_late_opened")
		where = append(where, `c.responded_at IS NOT NULL AND c.responded_at > c.response_due`)
	case ClockReviewDue:
		// plans.review_due is a London date written 2006-01-02. The plans
		// carry their case's opening time, so unless a topic already
		// drives the read, the plans' index gives the queue's order.
		live := `c.status NOT IN ('closed', 'withdrawn', 'not_eligible', 'merged')`
		day := now.In(workdays.London).Format(time.DateOnly)
		if f.Topic == "" {
			from = `plans p JOIN cases c ON c.id = p.case_id`
			if s.DB.Engine() == store.SQLite {
				from = `plans p INDEXED BY plans_review_opened JOIN cases c ON c.id = p.case_id`
			}
			where, args = append(where, live+` AND p.review_due IS NOT NULL AND p.review_due <= ?`), append(args, day)
			switch f.Sort {
			case "":
				order = `p.opened_at DESC, p.case_id DESC`
			case "oldest":
				order = `p.opened_at, p.case_id`
			}
		} else {
			where, args = append(where, live+` AND EXISTS (SELECT 1 FROM plans p WHERE p.case_id = c.id AND p.review_due <= ?)`), append(args, day)
		}
	}
	q := selectRows + ` FROM ` + from + ` LEFT JOIN users u ON u.id = c.assigned_to`
	args = append([]any{v.UserID}, args...)
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
	args = append(args, PageSize+1, (f.Page-1)*PageSize)
	rows, err := s.rows(ctx, v, clock, now, q, args...)
	if err != nil {
		return Queue{}, err
	}
	out := Queue{Rows: rows}
	if len(out.Rows) > PageSize {
		out.Rows, out.More = out.Rows[:PageSize], true
	}
	return out, nil
}

// selectRows is the start of every query rows reads: the case, its
// adviser's name and whether the viewer (the first argument) declared a
// conflict on it.
var selectRows = `SELECT ` + prefixed("c.", caseColumns) + `, COALESCE(u.name, ''),
	EXISTS (SELECT 1 FROM case_conflicts cc WHERE cc.case_id = c.id AND cc.user_id = ?)`

// rows runs q, which starts with selectRows, and makes each case a row of
// the queue as v sees it: its clock, and its name unless it is hidden from v.
func (s *Store) rows(ctx context.Context, v Viewer, clock *workdays.Clock, now time.Time, q string, args ...any) ([]Row, error) {
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("cases: queue: %w", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		var cols []any
		c, err := scanCase(scanFunc(func(dest ...any) error {
			cols = append(dest, &r.AdviserName, &r.Conflicted)
			return rows.Scan(cols...)
		}))
		if err != nil {
			return nil, fmt.Errorf("cases: queue: %w", err)
		}
		r.Case = c
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cases: queue: %w", err)
	}
	for i := range out {
		r := &out[i]
		r.Clock = ClockOf(r.Case, clock, now)
		r.Hidden = r.Conflicted || (r.Case.Restricted && r.Case.AssignedTo != v.UserID)
		if !r.Hidden {
			if r.Name, err = s.Name(r.Case); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

func (s *Store) workClock(ctx context.Context) (*workdays.Clock, settings.ClockSettings, error) {
	return settings.WorkClock(ctx, s.DB)
}

package directory

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
)

// Problems a visitor can report with a listing.
const (
	ProblemPhoneWrong = "phone-wrong"
	ProblemClosed     = "closed"
	ProblemOther      = "other"
)

// Report states.
const (
	ReportOpen      = "open"
	ReportResolved  = "resolved"
	ReportDismissed = "dismissed"
)

// maxDetails bounds what a visitor may write in a report.
const maxDetails = 2000

// MaxReportNote bounds what an editor writes when closing a report.
const MaxReportNote = 1000

// Report is one "report a problem with this listing" in the review queue.
type Report struct {
	ID          string
	ServiceID   string
	ServiceName string // as it was when reported
	Problem     string
	Details     string // opened; "" when none was given
	Status      string
	CreatedAt   time.Time
	ClosedAt    time.Time // zero while open
	ClosedBy    string
	// Note is what the editor did, or why nothing was changed.
	Note string
	// Contact is the reporter's e-mail address, given only when they
	// asked to hear back. SubmitReport seals it; CloseReport returns it
	// opened, once, and erases it.
	Contact    string
	HasContact bool // a contact is waiting to be told
}

func detailsContext(id string) string { return "dir_reports.details:" + id }

func contactContext(id string) string { return "dir_reports.contact:" + id }

// SubmitReport adds a report to the queue inside tx. Details are sealed:
// a visitor may write anything there.
func SubmitReport(ctx context.Context, tx *store.Tx, sealer *seal.Sealer, r Report) (string, error) {
	id := store.NewID()
	var details, contact any
	if r.Details != "" {
		details = sealer.SealString(r.Details, detailsContext(id))
	}
	if r.Contact != "" {
		contact = sealer.SealString(r.Contact, contactContext(id))
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO dir_reports (id, service_id, service_name, problem, details, status, created_at, contact)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, r.ServiceID, r.ServiceName, r.Problem, details, ReportOpen, store.Now(), contact)
	if err != nil {
		return "", fmt.Errorf("directory: submit report: %w", err)
	}
	return id, nil
}

const reportColumns = `id, service_id, service_name, problem, details, status, created_at, closed_at, COALESCE(closed_by, ''), note, contact IS NOT NULL`

func scanReport(sc interface{ Scan(...any) error }, sealer *seal.Sealer) (Report, error) {
	var r Report
	var details []byte
	var created, closed store.Time
	if err := sc.Scan(&r.ID, &r.ServiceID, &r.ServiceName, &r.Problem, &details, &r.Status, &created, &closed, &r.ClosedBy, &r.Note, &r.HasContact); err != nil {
		return r, err
	}
	r.CreatedAt, r.ClosedAt = created.Time, closed.Time
	if details != nil {
		var err error
		if r.Details, err = sealer.OpenString(details, detailsContext(r.ID)); err != nil {
			return r, fmt.Errorf("directory: report %s: %w", r.ID, err)
		}
	}
	return r, nil
}

// Reports lists the reports in one state, oldest first, details opened.
func Reports(ctx context.Context, q store.Querier, sealer *seal.Sealer, status string) ([]Report, error) {
	return queryReports(ctx, q, sealer, `SELECT `+reportColumns+` FROM dir_reports WHERE status = ? ORDER BY created_at, id`, status)
}

// RecentlyClosedReports lists the reports closed most recently, newest
// first.
func RecentlyClosedReports(ctx context.Context, q store.Querier, sealer *seal.Sealer, limit int) ([]Report, error) {
	return queryReports(ctx, q, sealer, `SELECT `+reportColumns+` FROM dir_reports WHERE status <> ? ORDER BY closed_at DESC, id LIMIT ?`, ReportOpen, limit)
}

// ReportsAbout lists the reports about one service in one state, oldest
// first.
func ReportsAbout(ctx context.Context, q store.Querier, sealer *seal.Sealer, serviceID, status string) ([]Report, error) {
	return queryReports(ctx, q, sealer, `SELECT `+reportColumns+` FROM dir_reports WHERE service_id = ? AND status = ? ORDER BY created_at, id`, serviceID, status)
}

// CountReports counts the reports in one state.
func CountReports(ctx context.Context, q store.Querier, status string) (int, error) {
	var n int
	if err := store.Scan(q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dir_reports WHERE status = ?`, status), &n); err != nil {
		return 0, fmt.Errorf("directory: reports: %w", err)
	}
	return n, nil
}

// ErrReportNotFound means no report has the id.
var ErrReportNotFound = errors.New("directory: no such report")

// LoadReport reads one report, details opened (the contact stays sealed).
func LoadReport(ctx context.Context, q store.Querier, sealer *seal.Sealer, id string) (Report, error) {
	r, err := scanReport(q.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM dir_reports WHERE id = ?`, id), sealer)
	if errors.Is(store.MapErr(err), store.ErrNotFound) {
		return r, ErrReportNotFound
	}
	if err != nil {
		return r, fmt.Errorf("directory: report %s: %w", id, err)
	}
	return r, nil
}

func queryReports(ctx context.Context, q store.Querier, sealer *seal.Sealer, query string, args ...any) ([]Report, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("directory: reports: %w", err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows, sealer)
		if err != nil {
			return nil, fmt.Errorf("directory: reports: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ErrReportClosed means the report was already resolved or dismissed.
var ErrReportClosed = errors.New("directory: the report is already closed")

// CloseReport marks an open report resolved or dismissed by a member of
// staff, with a note of what was done or why not, inside tx. It returns
// the report as closed, with the reporter's contact opened when they gave
// one (for the caller to tell them, in the same transaction); the contact
// is erased from the report, since it was given for that one message.
func CloseReport(ctx context.Context, tx *store.Tx, sealer *seal.Sealer, id, status, by, note string) (Report, error) {
	if status != ReportResolved && status != ReportDismissed {
		return Report{}, fmt.Errorf("directory: close report: status %q is not %s or %s", status, ReportResolved, ReportDismissed)
	}
	var contact []byte
	err := store.Scan(tx.QueryRowContext(ctx, `SELECT contact FROM dir_reports WHERE id = ? AND status = ?`, id, ReportOpen), &contact)
	if errors.Is(err, store.ErrNotFound) {
		var st string
		if err := store.Scan(tx.QueryRowContext(ctx, `SELECT status FROM dir_reports WHERE id = ?`, id), &st); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return Report{}, ErrReportNotFound
			}
			return Report{}, fmt.Errorf("directory: close report: %w", err)
		}
		return Report{}, ErrReportClosed
	}
	if err != nil {
		return Report{}, fmt.Errorf("directory: close report: %w", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE dir_reports SET status = ?, closed_at = ?, closed_by = ?, note = ?, contact = NULL WHERE id = ? AND status = ?`,
		status, store.Now(), by, note, id, ReportOpen)
	if err != nil {
		return Report{}, fmt.Errorf("directory: close report: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Report{}, ErrReportClosed // closed by someone else between the two statements
	}
	r, err := scanReport(tx.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM dir_reports WHERE id = ?`, id), sealer)
	if err != nil {
		return Report{}, fmt.Errorf("directory: close report: %w", err)
	}
	if contact != nil {
		if r.Contact, err = sealer.OpenString(contact, contactContext(id)); err != nil {
			return Report{}, fmt.Errorf("directory: close report: %w", err)
		}
	}
	return r, nil
}

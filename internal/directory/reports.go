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
}

func detailsContext(id string) string { return "dir_reports.details:" + id }

// SubmitReport adds a report to the queue inside tx. Details are sealed:
// a visitor may write anything there.
func SubmitReport(ctx context.Context, tx *store.Tx, sealer *seal.Sealer, r Report) (string, error) {
	id := store.NewID()
	var details any
	if r.Details != "" {
		details = sealer.SealString(r.Details, detailsContext(id))
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO dir_reports (id, service_id, service_name, problem, details, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, r.ServiceID, r.ServiceName, r.Problem, details, ReportOpen, store.Now())
	if err != nil {
		return "", fmt.Errorf("directory: submit report: %w", err)
	}
	return id, nil
}

// Reports lists the reports in one state, oldest first, details opened.
func Reports(ctx context.Context, q store.Querier, sealer *seal.Sealer, status string) ([]Report, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, service_id, service_name, problem, details, status, created_at, closed_at, COALESCE(closed_by, '')
		FROM dir_reports WHERE status = ? ORDER BY created_at, id`, status)
	if err != nil {
		return nil, fmt.Errorf("directory: reports: %w", err)
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		var r Report
		var details []byte
		var closed store.Time
		if err := rows.Scan(&r.ID, &r.ServiceID, &r.ServiceName, &r.Problem, &details, &r.Status, &r.CreatedAt, &closed, &r.ClosedBy); err != nil {
			return nil, fmt.Errorf("directory: reports: %w", err)
		}
		r.CreatedAt, r.ClosedAt = r.CreatedAt.UTC(), closed.Time
		if details != nil {
			if r.Details, err = sealer.OpenString(details, detailsContext(r.ID)); err != nil {
				return nil, fmt.Errorf("directory: report %s: %w", r.ID, err)
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ErrReportClosed means the report was already resolved or dismissed.
var ErrReportClosed = errors.New("directory: the report is already closed")

// CloseReport marks an open report resolved or dismissed by a member of
// staff, inside tx.
func CloseReport(ctx context.Context, tx *store.Tx, id, status, by string) error {
	if status != ReportResolved && status != ReportDismissed {
		return fmt.Errorf("directory: close report: status %q is not %s or %s", status, ReportResolved, ReportDismissed)
	}
	res, err := tx.ExecContext(ctx, `UPDATE dir_reports SET status = ?, closed_at = ?, closed_by = ? WHERE id = ? AND status = ?`,
		status, store.Now(), by, id, ReportOpen)
	if err != nil {
		return fmt.Errorf("directory: close report: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var st string
		if err := store.Scan(tx.QueryRowContext(ctx, `SELECT status FROM dir_reports WHERE id = ?`, id), &st); err != nil {
			return fmt.Errorf("directory: close report: %w", err)
		}
		return ErrReportClosed
	}
	return nil
}

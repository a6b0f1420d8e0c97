// Package referral takes notifications from supervisors, programme
// directors and employers who have recommended the Professional Support
// Unit to a healthcare professional in training. The application stays the
// trainee's own: the referrer gets an acknowledgement, the trainee an
// invitation to apply, and when the trainee applies with the address the
// referrer gave, the application is linked to the notification so staff see
// it. Nothing tells the referrer whether the trainee applied.
//
// Every personal value is sealed at rest; the trainee's address is also kept
// as a blind index (a keyed hash) to find the notification when they apply.
package referral

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Referral is one notification.
type Referral struct {
	ID                   string
	CreatedAt            time.Time
	ReferrerName         string
	ReferrerRole         string
	ReferrerOrganisation string
	ReferrerEmail        string
	TraineeName          string
	TraineeEmail         string
	Reason               string
	TraineeTold          bool
	ApplicationID        string // "" until the trainee applies
}

// NormaliseEmail is the form of an address that is compared: trimmed and
// lower case. Applications must use it too, so the blind indexes agree.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// BlindEmail is the blind index of an e-mail address, as stored in
// referrals.trainee_email_blind.
func BlindEmail(sealer *seal.Sealer, email string) string {
	return sealer.Blind(NormaliseEmail(email), "email")
}

// sealed lists the sealed columns with the Referral field each holds.
func (r *Referral) sealed() []struct {
	column string
	value  *string
} {
	return []struct {
		column string
		value  *string
	}{
		{"referrer_name", &r.ReferrerName},
		{"referrer_role", &r.ReferrerRole},
		{"referrer_organisation", &r.ReferrerOrganisation},
		{"referrer_email", &r.ReferrerEmail},
		{"trainee_name", &r.TraineeName},
		{"trainee_email", &r.TraineeEmail},
		{"reason", &r.Reason},
	}
}

func sealContext(column, id string) string { return "referrals." + column + ":" + id }

// Create stores r, giving it an id and time, with every personal value
// sealed.
func Create(ctx context.Context, q store.Querier, sealer *seal.Sealer, r *Referral) error {
	r.ID, r.CreatedAt = store.NewID(), store.Now()
	args := []any{r.ID, r.CreatedAt}
	for _, c := range r.sealed() {
		args = append(args, sealer.SealString(*c.value, sealContext(c.column, r.ID)))
	}
	args = append(args, BlindEmail(sealer, r.TraineeEmail), r.TraineeTold)
	_, err := q.ExecContext(ctx, `INSERT INTO referrals (id, created_at, referrer_name, referrer_role, referrer_organisation,
		referrer_email, trainee_name, trainee_email, reason, trainee_email_blind, trainee_told)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	if err != nil {
		return fmt.Errorf("referral: create: %w", err)
	}
	return nil
}

// LinkApplication links every notification about email that is not yet
// linked to applicationID, and reports how many it linked. The application
// calls it, in its own transaction, when an application is submitted.
func LinkApplication(ctx context.Context, q store.Querier, sealer *seal.Sealer, email, applicationID string) (int64, error) {
	res, err := q.ExecContext(ctx, `UPDATE referrals SET application_id = ? WHERE trainee_email_blind = ? AND application_id IS NULL`,
		applicationID, BlindEmail(sealer, email))
	if err != nil {
		return 0, fmt.Errorf("referral: link application: %w", err)
	}
	return res.RowsAffected()
}

// ForApplication returns the notifications linked to an application, oldest
// first, opened.
func ForApplication(ctx context.Context, q store.Querier, sealer *seal.Sealer, applicationID string) ([]Referral, error) {
	return list(ctx, q, sealer, "application_id = ?", applicationID)
}

// ForCase returns the notifications that are part of a case, oldest first,
// opened.
func ForCase(ctx context.Context, q store.Querier, sealer *seal.Sealer, caseID string) ([]Referral, error) {
	return list(ctx, q, sealer, "case_id = ?", caseID)
}

// list reads the notifications matching where (a constant condition with
// placeholders for args).
func list(ctx context.Context, q store.Querier, sealer *seal.Sealer, where string, args ...any) ([]Referral, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, created_at, referrer_name, referrer_role, referrer_organisation,
		referrer_email, trainee_name, trainee_email, reason, trainee_told, COALESCE(application_id, '')
		FROM referrals WHERE `+where+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("referral: list: %w", err)
	}
	defer rows.Close()
	var out []Referral
	for rows.Next() {
		var r Referral
		raw := make([][]byte, 7)
		if err := rows.Scan(&r.ID, &r.CreatedAt, &raw[0], &raw[1], &raw[2], &raw[3], &raw[4], &raw[5], &raw[6], &r.TraineeTold, &r.ApplicationID); err != nil {
			return nil, fmt.Errorf("referral: list: %w", err)
		}
		r.CreatedAt = r.CreatedAt.UTC()
		for i, c := range r.sealed() {
			if *c.value, err = sealer.OpenString(raw[i], sealContext(c.column, r.ID)); err != nil {
				return nil, fmt.Errorf("referral %s: open %s: %w", r.ID, c.column, err)
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("referral: list: %w", err)
	}
	return out, nil
}

// Intake hands a new notification to case work, inside the transaction that
// stores it, so the two commit together.
type Intake func(ctx context.Context, tx *store.Tx, r *Referral) error

// Service holds the referrer pages' dependencies.
type Service struct {
	srv     *web.Server
	sealer  *seal.Sealer
	outbox  *mail.Outbox
	limiter *ratelimit.Limiter
	intake  Intake
}

// Register adds the referrers' page and the notification form to srv.
// intake (which may be nil) receives each notification as it is stored.
func Register(srv *web.Server, sealer *seal.Sealer, outbox *mail.Outbox, limiter *ratelimit.Limiter, intake Intake) error {
	if sealer == nil || outbox == nil || limiter == nil {
		return errors.New("referral: sealer, outbox and limiter are required")
	}
	sub, _ := fs.Sub(templates, "templates")
	if err := srv.AddPages("referral", sub); err != nil {
		return err
	}
	s := &Service{srv: srv, sealer: sealer, outbox: outbox, limiter: limiter, intake: intake}
	r := srv.Router
	r.Handle("GET /referrers", web.Public, s.referrersPage)
	r.Handle("GET /guidance/referrers", web.Public, s.guidanceRedirect)
	r.Handle("GET /referrers/notify", web.Public, s.notifyForm)
	r.Handle("POST /referrers/notify", web.Public, s.notify)
	r.Handle("GET /referrers/notify/sent", web.Public, s.sent)
	return nil
}

// WithoutCase returns the notifications not yet part of a case, oldest
// first, opened (for case work to take up notices stored before it
// existed).
func WithoutCase(ctx context.Context, q store.Querier, sealer *seal.Sealer) ([]Referral, error) {
	return list(ctx, q, sealer, "case_id IS NULL")
}

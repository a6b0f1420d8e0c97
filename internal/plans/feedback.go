package plans

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/feedback"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
)

// KeyFeedbackWeeks is the unit setting for how many weeks after closing
// the feedback request goes.
const KeyFeedbackWeeks = "feedback.after_weeks"

// DefaultFeedbackWeeks applies until the unit sets its own.
const DefaultFeedbackWeeks = 6

// Bounds on the feedback delay, in weeks.
const (
	MinFeedbackWeeks = 1
	MaxFeedbackWeeks = 26
)

// FeedbackRoute is the feedback form (the portal's). Until this build
// serves it, requests wait in the queue rather than link nowhere.
const FeedbackRoute = feedback.Route

// EventFeedback is the timeline entry of a feedback request queued or sent.
const EventFeedback = "feedback"

// FeedbackWeeks is the unit's feedback delay.
func FeedbackWeeks(ctx context.Context, q store.Querier) (int, error) {
	v, err := settings.Get(ctx, q, KeyFeedbackWeeks, "")
	if err != nil || v == "" {
		return DefaultFeedbackWeeks, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < MinFeedbackWeeks || n > MaxFeedbackWeeks {
		return DefaultFeedbackWeeks, nil
	}
	return n, nil
}

// ScheduleFeedback queues a feedback request for case c, closed at
// closedAt, due the unit's delay later. A case closed again after being
// reopened keeps one request, due after the last closing; one already sent
// is never sent again. The caller has checked the trainee's consent.
func (s *Store) ScheduleFeedback(ctx context.Context, tx *store.Tx, c *cases.Case, closedAt time.Time) (time.Time, error) {
	weeks, err := FeedbackWeeks(ctx, tx)
	if err != nil {
		return time.Time{}, err
	}
	due := closedAt.AddDate(0, 0, 7*weeks)
	res, err := tx.ExecContext(ctx, `INSERT INTO feedback_requests (case_id, due_at, created_at) VALUES (?, ?, ?)
		ON CONFLICT (case_id) DO UPDATE SET due_at = excluded.due_at, created_at = excluded.created_at, cancelled_at = NULL
		WHERE feedback_requests.sent_at IS NULL`, c.ID, due, closedAt)
	if err != nil {
		return time.Time{}, fmt.Errorf("plans: schedule feedback: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return time.Time{}, nil // sent after an earlier closing
	}
	return due, s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventFeedback, At: closedAt,
		Detail: "Feedback request queued for " + DayOf(due).Long()}, "")
}

// CancelFeedback cancels case caseID's feedback request if it has not been
// sent, and reports whether there was one to cancel. The portal calls it
// inside the transaction that records the trainee withdrawing their
// consent to be e-mailed later.
func CancelFeedback(ctx context.Context, tx *store.Tx, caseID string) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE feedback_requests SET cancelled_at = ? WHERE case_id = ? AND sent_at IS NULL AND cancelled_at IS NULL`,
		store.Now(), caseID)
	if err != nil {
		return false, fmt.Errorf("plans: cancel feedback: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// FeedbackState is where a case's feedback request stands.
type FeedbackState struct {
	Due       time.Time
	Sent      time.Time
	Cancelled time.Time
}

// Feedback reads case c's feedback request; nil when none was queued.
func (s *Store) Feedback(ctx context.Context, c *cases.Case) (*FeedbackState, error) {
	var due, sent, cancelled store.Time
	err := store.Scan(s.DB.QueryRowContext(ctx, `SELECT due_at, sent_at, cancelled_at FROM feedback_requests WHERE case_id = ?`, c.ID),
		&due, &sent, &cancelled)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		return nil, fmt.Errorf("plans: feedback: %w", err)
	}
	return &FeedbackState{Due: due.Time, Sent: sent.Time, Cancelled: cancelled.Time}, nil
}

// SendDueFeedback e-mails the feedback requests that have come due at now,
// while this build serves the feedback form; until it does, they wait.
// Each is claimed by a conditional update in the transaction that queues
// its e-mail, so however many instances run this at once, each goes once.
// A trainee who has since withdrawn consent, or whose case was reopened,
// is not e-mailed, and the request is cancelled.
func (s *Store) SendDueFeedback(ctx context.Context, now time.Time) (sent int, err error) {
	if s.HasRoute == nil || !s.HasRoute(FeedbackRoute) {
		return 0, nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT case_id FROM feedback_requests
		WHERE sent_at IS NULL AND cancelled_at IS NULL AND due_at <= ? ORDER BY due_at LIMIT 100`, now)
	if err != nil {
		return 0, fmt.Errorf("plans: due feedback: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("plans: due feedback: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("plans: due feedback: %w", err)
	}
	for _, id := range ids {
		err := s.DB.Tx(ctx, func(tx *store.Tx) error {
			c, err := s.Cases.Get(ctx, tx, id)
			if err != nil {
				return err
			}
			need := consent.Need{CaseID: c.ID, Purpose: consent.FollowUp}
			to := ""
			if _, err := consent.Check(ctx, tx, need); err == nil && c.Status == cases.Closed {
				if to, err = s.Cases.Email(c); err != nil {
					return err
				}
			} else if err != nil && !errors.Is(err, consent.ErrRefused) {
				return err
			}
			if to == "" {
				_, err := CancelFeedback(ctx, tx, c.ID)
				return err
			}
			tok := seal.NewToken()
			hash := seal.TokenHash(tok)
			res, err := tx.ExecContext(ctx, `UPDATE feedback_requests SET sent_at = ?, token_hash = ?
				WHERE case_id = ? AND sent_at IS NULL AND cancelled_at IS NULL`, now, hash, c.ID)
			if err != nil {
				return fmt.Errorf("plans: send feedback: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // another instance sent it, or it was cancelled meanwhile
			}
			link := strings.TrimRight(s.BaseURL, "/") + "/feedback/" + tok
			unit, err := settings.UnitName(ctx, tx)
			if err != nil {
				return err
			}
			if sent, err := consent.Mail(ctx, tx, s.Outbox, need, mail.Message{Kind: "plans.feedback", To: to,
				Subject: "How was your support from the " + unit + "?", Text: feedbackText(link, unit)}); err != nil || !sent {
				if err == nil {
					err = errors.New("plans: send feedback: consent refused after it was checked")
				}
				return err
			}
			if err := s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: cases.EventMail, At: now, Detail: "feedback request"}, ""); err != nil {
				return err
			}
			sent++
			return audit.Record(ctx, tx, audit.Event{ActorRole: "system", Action: "case.feedback_sent", TargetType: "case",
				TargetID: c.ID, CaseID: c.ID})
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func feedbackText(link, unit string) string {
	return "Some weeks ago your work with the Individual Support Team of the " + unit + " came to an end. " +
		"When you asked for support, you agreed that we could e-mail you afterwards to ask how it went.\n\n" +
		"We would be grateful for a few minutes of your time. Your answers are not linked to your name or your case, " +
		"and they help us improve the service for other trainees.\n\n" +
		"Give your feedback: " + link + "\n\n" +
		"If you would rather not, you do not need to do anything. We will not e-mail you about this again.\n"
}

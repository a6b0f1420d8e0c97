package appointments

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
)

// Timeline event kinds. Each event's detail starts with what happened, in
// words, so the case page can show it as it is.
const (
	EventBooked    = "appointment_booked"
	EventChanged   = "appointment_changed"
	EventCancelled = "appointment_cancelled"
	EventAttended  = "appointment_attended"
	EventMissed    = "appointment_missed"
)

// MaxNextStep is the longest next step after a missed appointment, in
// characters.
const MaxNextStep = 2000

// checkText trims v and refuses it when empty (if required), too long, or
// holding what cannot be stored.
func checkText(field, label, v string, max int, required bool) (string, error) {
	v = strings.TrimSpace(v)
	n := utf8.RuneCountInString(v)
	switch {
	case v == "" && required:
		return "", cases.Problem(field, "Enter "+label)
	case n > max:
		return "", cases.Problem(field, fmt.Sprintf("%s must be %d characters or fewer. You have %d: shorten it by %d", upperFirst(label), max, n, n-max))
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		return "", cases.Problem(field, upperFirst(label)+" contains characters we cannot store. Retype it rather than pasting it")
	}
	return v, nil
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// booked reads appointment id of c inside an action and refuses one that
// is no longer booked.
func (s *Store) booked(ctx context.Context, tx *store.Tx, c *cases.Case, id, field string) (*Appointment, error) {
	a, err := s.Get(ctx, tx, c, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errGone
	}
	if err != nil {
		return nil, err
	}
	if a.Status != Booked {
		return nil, cases.Problem(field, "This appointment is already recorded as "+strings.ToLower(a.Status.Label())+". Refresh the case to see where it stands")
	}
	return a, nil
}

// back moves a Booked case back to Contacted when its last booked
// appointment is off (cancelled, or missed), so it shows as waiting for a
// booking again.
func (s *Store) back(ctx context.Context, tx *store.Tx, v cases.Viewer, c *cases.Case, a *Appointment, why string) error {
	if c.Status != cases.Booked {
		return nil
	}
	other, err := otherBooked(ctx, tx, c, a.ID)
	if err != nil || other {
		return err
	}
	return s.Cases.MoveTx(ctx, tx, v, c, cases.Contacted, why)
}

// Cancel records that appointment id on case caseID is off, and who called
// it off (ByTrainee or ByUnit), with an optional reason (sealed). If its
// time has not come, the trainee is sent the cancellation for their
// calendar. mailed says whether they were.
func (s *Store) Cancel(ctx context.Context, v cases.Viewer, caseID, id, by, reason string) (mailed bool, err error) {
	if by != ByTrainee && by != ByUnit {
		return false, cases.Problem("by", "Select who cancelled the appointment")
	}
	if reason, err = checkText("reason", "the reason", reason, MaxReason, false); err != nil {
		return false, err
	}
	now := s.now()
	err = s.Cases.Act(ctx, v, caseID, "appointment.cancel", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		a, err := s.booked(ctx, tx, c, id, "by")
		if err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appointments SET status = 'cancelled', cancelled_by = ?, sequence = sequence + 1,
			updated_at = ?, closed_at = ?, closed_by = ? WHERE id = ?`, by, now, now, v.UserID, id); err != nil {
			return "", fmt.Errorf("appointments: cancel: %w", err)
		}
		old := *a
		if a, err = s.Get(ctx, tx, c, id); err != nil {
			return "", err
		}
		who := "the trainee"
		if by == ByUnit {
			who = "the unit"
		}
		if err := s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventCancelled, ActorID: v.UserID, At: now,
			Detail: "Appointment cancelled by " + who + ": " + old.When()}, reason); err != nil {
			return "", err
		}
		if err := s.back(ctx, tx, v, c, a, "appointment cancelled"); err != nil {
			return "", err
		}
		if !old.Past(now) {
			if mailed, err = s.send(ctx, tx, c, a, mailCancel, now); err != nil {
				return "", err
			}
		}
		return "appointment " + id + " by " + by, nil
	})
	return mailed, err
}

// Record records, once its time has come, whether the trainee attended
// appointment id on case caseID. Attended moves a Booked case to Seen; a
// missed appointment needs the next step (sealed on the appointment, shown
// with it on the case page) and moves a Booked case back to Contacted,
// waiting for another booking.
func (s *Store) Record(ctx context.Context, v cases.Viewer, caseID, id string, attended bool, nextStep string) error {
	var err error
	if !attended {
		if nextStep, err = checkText("next-step", "what happens next", nextStep, MaxNextStep, true); err != nil {
			return err
		}
	}
	now := s.now()
	action := "appointment.attended"
	if !attended {
		action = "appointment.did_not_attend"
	}
	return s.Cases.Act(ctx, v, caseID, action, false, func(tx *store.Tx, c *cases.Case) (string, error) {
		a, err := s.booked(ctx, tx, c, id, "outcome")
		if err != nil {
			return "", err
		}
		if !a.Past(now) {
			return "", cases.Problem("outcome", "You can record how the appointment went once it has started, on "+a.When())
		}
		if attended {
			if _, err := tx.ExecContext(ctx, `UPDATE appointments SET status = 'attended', updated_at = ?, closed_at = ?, closed_by = ? WHERE id = ?`,
				now, now, v.UserID, id); err != nil {
				return "", fmt.Errorf("appointments: attended: %w", err)
			}
			if err := s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventAttended, ActorID: v.UserID, At: now,
				Detail: "The trainee attended the appointment on " + a.When()}, ""); err != nil {
				return "", err
			}
			if c.Status == cases.Booked {
				if err := s.Cases.MoveTx(ctx, tx, v, c, cases.Seen, "appointment attended"); err != nil {
					return "", err
				}
			}
			return "appointment " + id, nil
		}
		sealed, err := s.Cases.SealFor(c, nextStep, "appointments.next_step:"+id)
		if err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appointments SET status = 'did_not_attend', next_step = ?, updated_at = ?, closed_at = ?, closed_by = ?
			WHERE id = ?`, sealed, now, now, v.UserID, id); err != nil {
			return "", fmt.Errorf("appointments: did not attend: %w", err)
		}
		if err := s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventMissed, ActorID: v.UserID, At: now,
			Detail: "The trainee did not attend the appointment on " + a.When()}, ""); err != nil {
			return "", err
		}
		return "appointment " + id, s.back(ctx, tx, v, c, a, "appointment missed")
	})
}

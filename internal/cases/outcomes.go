package cases

import (
	"context"
	"fmt"
	"strings"

	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
)

// mailTrainee queues an e-mail to c's trainee, if they agreed to be
// e-mailed about their case, and says whether it did. Mail leaves psu's
// control, so text never carries what the trainee told the unit. The
// consent ledger decides (consent.Mail), not the flag on the case row.
func (s *Store) mailTrainee(ctx context.Context, tx *store.Tx, c *Case, kind, subject, text string) (bool, error) {
	if s.Outbox == nil {
		return false, nil
	}
	to, err := s.Email(c)
	if err != nil || to == "" {
		return false, err
	}
	sent, err := consent.Mail(ctx, tx, s.Outbox, consent.Need{CaseID: c.ID, Purpose: consent.CaseEmail},
		mail.Message{Kind: kind, To: to, Subject: subject, Text: text})
	if err != nil || !sent {
		return false, err
	}
	return true, event(ctx, tx, c, Event{Kind: EventMail, Detail: subject})
}

// NotEligible closes case id as outside what the unit offers and, if the
// trainee agreed to e-mail, sends a kind note pointing to the services
// chosen from the directory. Nothing from the application is in it.
func (s *Store) NotEligible(ctx context.Context, v Viewer, id string, serviceIDs []string, baseURL string) (mailed bool, err error) {
	if len(serviceIDs) == 0 {
		return false, problem("services", "Select at least one service to point the trainee to")
	}
	err = s.act(ctx, v, id, "case.not_eligible", false, func(tx *store.Tx, c *Case) (string, error) {
		cards, err := directory.Cards(ctx, tx, serviceIDs)
		if err != nil {
			return "", err
		}
		if len(cards) == 0 {
			return "", problem("services", "Select at least one service to point the trainee to")
		}
		if err := s.move(ctx, tx, v, c, NotEligible, "", ""); err != nil {
			return "", err
		}
		unit, err := settings.UnitName(ctx, tx)
		if err != nil {
			return "", err
		}
		mailed, err = s.mailTrainee(ctx, tx, c, "case.not_eligible", notEligibleSubject(unit),
			notEligibleText(c.Reference, unit, cards, baseURL))
		return fmt.Sprintf("%d services suggested", len(cards)), err
	})
	return mailed, err
}

func notEligibleText(ref, unit string, cards []directory.Card, baseURL string) string {
	var b strings.Builder
	b.WriteString("Thank you for getting in touch with the Individual Support Team of the " + unit + " (reference " + ref + ").\n\n")
	b.WriteString("We have read your application carefully. We are sorry that our team is not the right service for you, " +
		"so we will not be arranging a meeting. This is about who our service is set up to support; it says nothing about you.\n\n")
	b.WriteString("These services may be able to help:\n\n")
	base := strings.TrimRight(baseURL, "/")
	for _, c := range cards {
		b.WriteString("- " + c.Name + "\n")
		if c.Summary != "" {
			b.WriteString("  " + c.Summary + "\n")
		}
		for _, p := range c.Phones {
			b.WriteString("  Phone: " + p.Number + "\n")
		}
		b.WriteString("  " + base + c.URL + "\n\n")
	}
	b.WriteString("You can find more support at " + base + "/services\n\n")
	b.WriteString("If you are in crisis or feel unsafe, call 999 or go to A&E. You can call Samaritans free on 116 123 at any time, or call NHS 111.\n")
	return b.String()
}

// Signposts lists the services a lead may point a trainee to when a case is
// not eligible: every service the eligibility rules signpost to.
func Signposts(ctx context.Context, q store.Querier, ids []string) ([]directory.Card, error) {
	return directory.Cards(ctx, q, ids)
}

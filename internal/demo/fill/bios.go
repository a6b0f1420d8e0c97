package fill

import (
	"context"
	"fmt"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/pages"
	"github.com/psu-project/psu/internal/store"
)

// demoBios are the advisers' biographies, in staffPlan's order of advisers:
// made up, and with no contact details, since trainees reach advisers
// through the unit.
var demoBios = []pages.Bio{
	{
		Role: "Associate Dean for Professional Support",
		Background: "I was a GP in a market town for fifteen years and trained GP registrars for most of them. " +
			"I came to this work after supporting colleagues through exams, illness and changes of direction, and seeing how much a calm, independent conversation can help.\n\n" +
			"Made-up demonstration data.",
		HelpsWith: "Exams and assessments, returning to training after time away, and working less than full time.",
		Languages: "English",
		Meets:     []string{"in_person", "teams"},
	},
	{
		Role: "Consultant Psychiatrist and Training Programme Director",
		Background: "I have worked in adult psychiatry for twenty years, and run a training programme for psychiatry trainees. " +
			"Many of the people I meet are finding training harder than they expected; together we work out what would help and who else can.\n\n" +
			"Made-up demonstration data.",
		HelpsWith: "Wellbeing and stress, difficult relationships at work, and thinking about a change of specialty.",
		Languages: "English and Yoruba",
		Meets:     []string{"phone", "teams", "zoom"},
	},
	{
		Role: "Consultant Anaesthetist and Educational Supervisor",
		Background: "I trained and work in a large teaching hospital, where I have supervised anaesthetics trainees for twelve years. " +
			"I am interested in how teams and rotas shape trainees' lives, and in making adjustments work for people with a disability or a health condition.\n\n" +
			"Made-up demonstration data.",
		HelpsWith: "Reasonable adjustments, concerns raised about your progress, and planning the next stage of training.",
		Languages: "English, Hindi and Gujarati",
		Meets:     []string{"in_person", "phone", "teams"},
	},
}

// publishBios writes each adviser's biography as they would, and publishes
// it as the administrator would.
func publishBios(ctx context.Context, tx *store.Tx, adminID string, advisers []string) error {
	for i, id := range advisers {
		if i >= len(demoBios) {
			break
		}
		draft, err := pages.SaveDraft(ctx, tx, id, demoBios[i], pages.PhotoChange{})
		if err != nil {
			return fmt.Errorf("demo biography: %w", err)
		}
		if _, err := pages.Publish(ctx, tx, draft, adminID); err != nil {
			return fmt.Errorf("demo biography: %w", err)
		}
		if err := audit.Record(ctx, tx, audit.Event{ActorRole: "system", Action: "pages.biography_published", TargetType: "adviser_bio", TargetID: draft, Detail: "demo"}); err != nil {
			return err
		}
	}
	return nil
}

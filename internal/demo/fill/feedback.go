package fill

import (
	"context"
	"time"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/feedback"
	"github.com/psu-project/psu/internal/store"
)

// demoComments are made-up comments; two begin as a spreadsheet formula
// would, so the reports' export guard shows on real data.
var demoComments = []string{
	"The adviser listened and helped me plan my revision week by week.",
	"=I would have liked the first meeting sooner",
	"Having someone outside my department to talk to made a real difference.",
	"+1 to the study-skills session, it was the most useful part.",
	"I was nervous about coming, but it felt confidential and calm.",
}

// writeFeedback gives every second closed case whose trainee agreed to be
// e-mailed later a feedback request sent six weeks after closing, and two
// in three of those an answer; requests not yet due are left out.
func (w *writer) writeFeedback(ctx context.Context, tx *store.Tx, cs []*cases.Case) error {
	for i, c := range cs {
		if c.Status != cases.Closed || !c.ConsentFollowUp || c.ClosedAt.IsZero() || !w.nth("feedback", 2) {
			continue
		}
		sent := c.ClosedAt.Add(6 * 7 * 24 * time.Hour)
		if sent.Add(48 * time.Hour).After(w.now) {
			continue
		}
		var fb *feedback.Answers
		if !w.nth("feedback-unanswered", 3) {
			fb = &feedback.Answers{
				Helpful:   feedback.Helpful[[]int{0, 0, 1, 0, 1, 2, 0, 3, 1, 4}[i%10]].Value,
				Changed:   []string{feedback.Changed[i%len(feedback.Changed)].Value},
				Recommend: feedback.Recommend[[]int{0, 0, 0, 1, 0, 2}[i%6]].Value,
			}
			if i%3 == 0 {
				fb.Comments = demoComments[i%len(demoComments)]
			}
		}
		if err := feedback.Seed(ctx, tx, w.sealer, c.ID, sent, fb); err != nil {
			return err
		}
	}
	return nil
}

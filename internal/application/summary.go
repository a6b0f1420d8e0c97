package application

import (
	"net/url"

	"github.com/psu-project/psu/internal/eligibility"
)

// SummaryRow is one answer of a submitted application, as staff read it.
type SummaryRow struct {
	Key   string
	Value string
	Lines []string // shown one per line instead of Value
}

// SummaryGroup is one page of the application.
type SummaryGroup struct {
	Title string
	Rows  []SummaryRow
}

// Summary lays out a submitted application page by page, in the words the
// trainee saw on "check your answers": the eligibility answers first, then
// every page that applied to them.
func Summary(a *Application) []SummaryGroup {
	d := &Draft{Eligibility: a.Eligibility, Pages: map[string]url.Values{"concerns": {"concern": a.Concerns}}}
	check := SummaryGroup{Title: "Eligibility"}
	for _, q := range eligibility.QuestionsFor(a.Eligibility) {
		qq, _ := eligibility.QuestionByName(q)
		val := a.Eligibility.Value(q)
		if val == "" {
			continue // not asked: the rules had decided without it
		}
		for _, o := range a.Eligibility.Options(q) {
			if o.Value == val {
				val = o.Label
			}
		}
		check.Rows = append(check.Rows, SummaryRow{Key: qq.Title, Value: val})
	}
	out := []SummaryGroup{check}
	for _, s := range applicable(d) {
		if s.Slug == "documents" || s.summary == nil {
			continue
		}
		g := SummaryGroup{Title: s.Title}
		for _, r := range s.summary(s, a) {
			g.Rows = append(g.Rows, SummaryRow{Key: r.Key, Value: r.Value, Lines: r.Lines})
		}
		out = append(out, g)
	}
	return out
}

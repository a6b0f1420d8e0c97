package reports

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/feedback"
	"github.com/psu-project/psu/internal/store"
)

// Question is one question of the feedback form as the reports count it.
type Question struct {
	Slug, Label string
	Choices     []feedback.Choice
	Multi       bool // answers are lists (count each choice named)
}

// Questions are the feedback form's counted questions, in its order.
var Questions = []Question{
	{"helpful", "How helpful the support was", feedback.Helpful, false},
	{"changed", "What has changed since", feedback.Changed, true},
	{"recommend", "Would recommend the unit to a colleague", feedback.Recommend, false},
}

// QuestionBySlug is the question slug names, or the first.
func QuestionBySlug(slug string) Question {
	for _, q := range Questions {
		if q.Slug == slug {
			return q
		}
	}
	return Questions[0]
}

// CountFeedback counts the answers to q given in the months of [from, to):
// a suppressed grid of answer by month. For a question with a list of
// answers, each answer named counts once.
func CountFeedback(ctx context.Context, db store.Querier, q Question, from, to time.Time, threshold int) (Grid, error) {
	months := Months(from, to)
	col := map[string]int{}
	cols := make([]string, len(months))
	for i, m := range months {
		cols[i] = m.Format("Jan 2006")
		col[m.Format("2006-01")] = i
	}
	row := map[string]int{}
	rows := make([]string, len(q.Choices))
	counts := make([][]int, len(q.Choices))
	for i, c := range q.Choices {
		row[c.Value], rows[i], counts[i] = i, c.Label, make([]int, len(months))
	}
	if len(months) == 0 {
		return Suppress(rows, cols, counts, threshold), nil
	}
	// The column is one of three fixed names, never typed.
	res, err := db.QueryContext(ctx, `SELECT month, `+q.Slug+`, COUNT(*) FROM feedback WHERE month >= ? AND month <= ? GROUP BY 1, 2`,
		months[0].Format("2006-01"), months[len(months)-1].Format("2006-01"))
	if err != nil {
		return Grid{}, fmt.Errorf("reports: feedback: %w", err)
	}
	defer res.Close()
	for res.Next() {
		var month, answer string
		var n int
		if err := res.Scan(&month, &answer, &n); err != nil {
			return Grid{}, err
		}
		j, ok := col[month]
		if !ok {
			continue
		}
		values := []string{answer}
		if q.Multi {
			values = strings.Split(answer, ",")
		}
		for _, v := range values {
			if i, ok := row[v]; ok {
				counts[i][j] += n
			}
		}
	}
	if err := res.Err(); err != nil {
		return Grid{}, err
	}
	return Suppress(rows, cols, counts, threshold), nil
}

// Shares is each answer's part of base (all the answers to a question; for
// a question with a list of answers, the people who answered): its count,
// and its share where neither it nor base is held back.
func Shares(g Grid, base Cell, threshold int) TextTable {
	t := TextTable{Head: []string{"Answer", "Answers", "Share"}}
	for i, label := range g.Rows {
		c := g.RowTotals[i]
		share := "not shown"
		if !c.Hidden && !base.Hidden && base.Value > 0 {
			share = fmt.Sprintf("%d%%", (c.Value*100+base.Value/2)/base.Value)
		}
		t.Rows = append(t.Rows, []string{label, c.Text(threshold), share})
	}
	return t
}

// Responses counts the feedback given in the months of [from, to).
func Responses(ctx context.Context, db store.Querier, from, to time.Time) (int, error) {
	months := Months(from, to)
	if len(months) == 0 {
		return 0, nil
	}
	var n int
	err := store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback WHERE month >= ? AND month <= ?`,
		months[0].Format("2006-01"), months[len(months)-1].Format("2006-01")), &n)
	return n, err
}

package eligibility

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/psu-project/psu/internal/web"
)

// The checker asks one question per page at /eligibility/<slug>. Answers
// live in the session, so the back link, a refresh or a second tab never
// lose them and no JavaScript is needed.

// slug is a question's address: "training_number" → "training-number".
func slug(question string) string { return strings.ReplaceAll(question, "_", "-") }

func questionPath(question string) string {
	if question == "" {
		return "/eligibility/result"
	}
	return "/eligibility/" + slug(question)
}

// Asked lists the questions the checker shows, given the answers so far: a
// question with a single possible answer (the programme of "something
// else") is answered for the person, not shown.
func Asked(a Answers) []string {
	var out []string
	for _, q := range QuestionsFor(a) {
		if q == QuestionRegion || q == QuestionProfession || len(a.Options(q)) != 1 {
			out = append(out, q)
		}
	}
	return out
}

// NextAfter is the question to show after q: the next one in order for
// someone going back through answers already given, so they see each
// again, and otherwise the first still to answer ("" when none is).
func NextAfter(a Answers, q string) string {
	qs := Asked(a)
	next := NextQuestion(a)
	if i := slices.Index(qs, q); i+1 < len(qs) && (next == "" || i+1 < slices.Index(qs, next)) {
		next = qs[i+1]
	}
	return next
}

// FillSingleChoices answers every question still open that has a single
// possible answer, from the first on, until one has a real choice.
func FillSingleChoices(a Answers) Answers {
	for {
		next := NextQuestion(a)
		if next == "" || slices.Contains(Asked(a), next) {
			return a
		}
		b, err := a.Set(next, a.Options(next)[0].Value)
		if err != nil {
			return a
		}
		a = b
	}
}

// reachable reports whether question can be shown now: it applies to the
// profession chosen and every earlier question has an answer.
func reachable(question string, a Answers) bool {
	qs := QuestionsFor(a)
	i := slices.Index(qs, question)
	if i < 0 {
		return false
	}
	next := NextQuestion(a)
	return next == "" || i <= slices.Index(qs, next)
}

// questionPage is what question.html shows.
type questionPage struct {
	Question Question
	Action   string
	Options  []Option
	Back     string
}

// Value is the form value of the answer given to question ("" when there
// is none): what the question's page shows as chosen, including
// TrainingNumberNotSure.
func (a Answers) Value(question string) string {
	switch question {
	case QuestionRegion:
		return a.Region
	case QuestionProfession:
		return a.Profession
	case QuestionProgramme:
		return a.Programme
	case QuestionBand:
		if a.Band != nil {
			return strconv.Itoa(*a.Band)
		}
	case QuestionTrainingNumber:
		if a.TrainingNumber != nil {
			return strconv.FormatBool(*a.TrainingNumber)
		}
		if a.TrainingNumberNotSure {
			return TrainingNumberNotSure
		}
	}
	return ""
}

func (s *Service) start(w http.ResponseWriter, r *http.Request) {
	s.srv.Render(w, r, http.StatusOK, "eligibility/start.html", web.Page{
		Title: "Check if you can use the Individual Support Team",
		Data:  questionPath(QuestionRegion),
	})
}

// question finds the question named by the address, or answers 404.
func (s *Service) question(w http.ResponseWriter, r *http.Request) (Question, bool) {
	name := strings.ReplaceAll(r.PathValue("question"), "-", "_")
	q, ok := QuestionByName(name)
	if !ok || slug(name) != r.PathValue("question") {
		s.srv.Error(w, r, http.StatusNotFound)
		return Question{}, false
	}
	return q, true
}

func (s *Service) renderQuestion(w http.ResponseWriter, r *http.Request, status int, q Question, a Answers, f *web.Form) {
	back := "/eligibility"
	if p := previous(Asked(a), q.Name); p != "" {
		back = questionPath(p)
	}
	s.srv.Render(w, r, status, "eligibility/question.html", web.Page{
		Title: q.Title,
		Form:  f,
		Data:  questionPage{Question: q, Action: questionPath(q.Name), Options: a.Options(q.Name), Back: back},
	})
}

func (s *Service) questionForm(w http.ResponseWriter, r *http.Request) {
	q, ok := s.question(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	a := s.progress(ctx)
	if !reachable(q.Name, a) {
		http.Redirect(w, r, questionPath(NextQuestion(a)), http.StatusSeeOther)
		return
	}
	// A question the rules no longer need: the answers before it decide.
	if q.Name != QuestionRegion {
		rs, err := s.rules.Current(ctx)
		if err != nil {
			s.srv.ServerError(w, r, err)
			return
		}
		if _, done := rs.Settled(a.before(q.Name)); done {
			http.Redirect(w, r, questionPath(""), http.StatusSeeOther)
			return
		}
	}
	s.renderQuestion(w, r, http.StatusOK, q, a, web.NewForm(url.Values{"answer": {a.Value(q.Name)}}))
}

// answer records one answer and moves on: to the result as soon as the
// answers up to this one decide (later answers are then dropped, as they
// did not matter), or else to the next question in order, so someone going
// back through the pages sees each answer again. Questions with a single
// possible answer are answered on the way.
func (s *Service) answer(w http.ResponseWriter, r *http.Request) {
	q, ok := s.question(w, r)
	if !ok || !s.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	a := s.progress(ctx)
	if !reachable(q.Name, a) {
		http.Redirect(w, r, questionPath(NextQuestion(a)), http.StatusSeeOther)
		return
	}
	f := web.NewForm(r.PostForm)
	b, ferr := a.Set(q.Name, f.Get("answer"))
	if ferr != nil {
		f.Fail("answer", ferr.Message)
		s.renderQuestion(w, r, http.StatusUnprocessableEntity, q, a, f)
		return
	}
	s.srv.Sessions.Remove(ctx, KeyAnswers)
	s.srv.Sessions.Remove(ctx, KeyDecision)

	// The answers up to this one, and any single-choice question straight
	// after it: do they decide already?
	b = FillSingleChoices(b)
	soFar := FillSingleChoices(b.upTo(q.Name))
	d, done, err := s.rules.DecideSettled(ctx, ChannelWeb, soFar)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	if done {
		if err := s.keep(ctx, soFar, d); err != nil {
			s.srv.ServerError(w, r, err)
			return
		}
		http.Redirect(w, r, questionPath(""), http.StatusSeeOther)
		return
	}
	if err := s.putJSON(ctx, keyProgress, b); err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	http.Redirect(w, r, questionPath(NextAfter(b, q.Name)), http.StatusSeeOther)
}

// decideAndKeep decides on complete answers, records the decision and keeps
// answers and decision in the session for the application.
func (s *Service) decideAndKeep(r *http.Request, a Answers) (Decision, error) {
	ctx := r.Context()
	d, err := s.rules.Decide(ctx, ChannelWeb, a)
	if err != nil {
		return Decision{}, err
	}
	return d, s.keep(ctx, a, d)
}

// keep stores the answers the checker finished with, as its progress and
// as the final answers, and the decision on them, for the application.
func (s *Service) keep(ctx context.Context, a Answers, d Decision) error {
	if err := s.putJSON(ctx, keyProgress, a); err != nil {
		return err
	}
	if err := s.putJSON(ctx, KeyAnswers, a); err != nil {
		return err
	}
	return s.putJSON(ctx, KeyDecision, SessionDecision{RuleID: d.RuleID, RuleVersion: d.RuleVersion, Eligible: d.Eligible, Route: d.Route})
}

package eligibility

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Answers are a person's answers to the checker's questions. The API gets
// them all at once (ParseRequest); the web checker gathers them one page at
// a time (Set, NextQuestion). Band is only used for nurses and allied health
// professionals; TrainingNumber only for doctors and dentists.
//
// TrainingNumberNotSure records the web checker's "I am not sure" answer
// to the training number question (TrainingNumber is then nil). The API
// has no such answer. The rules treat it as "yes" (see RuleSet.Decide):
// the person may apply, and the team checks the number with them.
type Answers struct {
	Region                string `json:"region"`
	Profession            string `json:"profession"`
	Programme             string `json:"programme"`
	Band                  *int   `json:"band,omitempty"`
	TrainingNumber        *bool  `json:"training_number,omitempty"`
	TrainingNumberNotSure bool   `json:"training_number_not_sure,omitempty"`
}

// FieldError says, in plain English, what to fix in a request. Its JSON form
// is the API error body: {"error": "...", "field": "..."}. Field is the
// request field at fault, or "" when the body as a whole is not valid JSON.
type FieldError struct {
	Message string `json:"error"`
	Field   string `json:"field"`
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

func fieldErr(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// shown quotes a value a person sent for use in a message, cut short if it
// is long, so we never echo a large body back.
func shown(v string) string {
	const max = 40
	if utf8.RuneCountInString(v) > max {
		r := []rune(v)
		v = string(r[:max]) + "…"
	}
	return strconv.Quote(v)
}

func checkRegion(v string) *FieldError {
	if v == "" {
		return fieldErr(QuestionRegion, "Give your region: one of %s.", quoteList(values(regionOptions)))
	}
	if !ValidRegion(v) {
		return fieldErr(QuestionRegion, "%s is not a region we recognise. Use one of %s.", shown(v), quoteList(values(regionOptions)))
	}
	return nil
}

func checkProfession(v string) *FieldError {
	if v == "" {
		return fieldErr(QuestionProfession, "Give your profession: one of %s.", quoteList(values(professionOptions)))
	}
	if !ValidProfession(v) {
		return fieldErr(QuestionProfession, "%s is not a profession we recognise. Use one of %s.", shown(v), quoteList(values(professionOptions)))
	}
	return nil
}

// checkProgramme assumes the profession is valid.
func checkProgramme(profession, v string) *FieldError {
	valid := quoteList(values(programmeOptions[profession]))
	if v == "" {
		return fieldErr(QuestionProgramme, "Give your programme. For %s it is one of %s.", professionNoun[profession], valid)
	}
	if !ValidProgramme(profession, v) {
		if anyProgramme(v) {
			return fieldErr(QuestionProgramme, "%s is not a programme for %s. For %s use one of %s.", shown(v), professionNoun[profession], professionNoun[profession], valid)
		}
		return fieldErr(QuestionProgramme, "%s is not a programme we recognise. For %s use one of %s.", shown(v), professionNoun[profession], valid)
	}
	return nil
}

func checkBand(profession string, b *int) *FieldError {
	if !UsesBand(profession) {
		if b != nil {
			return fieldErr(QuestionBand, "Leave out band: it is only asked of nurses and allied health professionals.")
		}
		return nil
	}
	if b == nil {
		return fieldErr(QuestionBand, "Give your Agenda for Change band as a whole number from %d to %d (use 8 for bands 8a to 8d).", MinBand, MaxBand)
	}
	if *b < MinBand || *b > MaxBand {
		return fieldErr(QuestionBand, "Band must be a whole number from %d to %d (use 8 for bands 8a to 8d); %d is outside that range.", MinBand, MaxBand, *b)
	}
	return nil
}

func checkTrainingNumber(profession string, t *bool, notSure bool) *FieldError {
	if !UsesTrainingNumber(profession) {
		if t != nil || notSure {
			return fieldErr(QuestionTrainingNumber, "Leave out training_number: it is only asked of doctors and dentists.")
		}
		return nil
	}
	if t == nil && !notSure {
		return fieldErr(QuestionTrainingNumber, "Say whether you hold a London or Kent, Surrey and Sussex training number: training_number must be true or false.")
	}
	return nil
}

// Validate checks the answers are complete and consistent, and returns the
// first problem in question order (region, profession, programme, band,
// training_number), or nil. The rules are:
//   - region, profession and programme are required and must be known values;
//   - programme must be one of the programmes for the profession;
//   - band (1 to 9) is required for nurses and allied health professionals
//     and must be absent for everyone else;
//   - training_number is required for doctors and dentists and must be
//     absent for everyone else.
func (a Answers) Validate() *FieldError {
	if e := checkRegion(a.Region); e != nil {
		return e
	}
	if e := checkProfession(a.Profession); e != nil {
		return e
	}
	if e := checkProgramme(a.Profession, a.Programme); e != nil {
		return e
	}
	if e := checkBand(a.Profession, a.Band); e != nil {
		return e
	}
	return checkTrainingNumber(a.Profession, a.TrainingNumber, a.TrainingNumberNotSure)
}

// Prune drops answers that do not apply to the chosen profession: a band
// for anyone but nurses and allied health professionals, a training number
// for anyone but doctors and dentists, and a programme that is not one of
// the profession's programmes. The web checker uses it when someone goes
// back and changes an earlier answer.
func (a Answers) Prune() Answers {
	if !UsesBand(a.Profession) {
		a.Band = nil
	}
	if !UsesTrainingNumber(a.Profession) {
		a.TrainingNumber = nil
		a.TrainingNumberNotSure = false
	}
	if a.TrainingNumber != nil {
		a.TrainingNumberNotSure = false
	}
	if a.Programme != "" && !ValidProgramme(a.Profession, a.Programme) {
		a.Programme = ""
	}
	return a
}

// NextQuestion returns the first question that still needs a (valid)
// answer: "region", "profession", "programme", "band" or
// "training_number", or "" when the answers are complete. Answers that do
// not apply to the profession are ignored, so
// NextQuestion(a) == "" exactly when a.Prune().Validate() == nil.
func NextQuestion(a Answers) string {
	switch {
	case !ValidRegion(a.Region):
		return QuestionRegion
	case !ValidProfession(a.Profession):
		return QuestionProfession
	case !ValidProgramme(a.Profession, a.Programme):
		return QuestionProgramme
	case UsesBand(a.Profession) && checkBand(a.Profession, a.Band) != nil:
		return QuestionBand
	case UsesTrainingNumber(a.Profession) && a.TrainingNumber == nil && !a.TrainingNumberNotSure:
		return QuestionTrainingNumber
	}
	return ""
}

// QuestionsFor returns the questions that apply given the answers so far, in
// order: region, profession and programme always; then band or
// training_number once the profession is known. The web checker can use it
// for "question 2 of 4" and back links.
func QuestionsFor(a Answers) []string {
	qs := []string{QuestionRegion, QuestionProfession, QuestionProgramme}
	if UsesBand(a.Profession) {
		qs = append(qs, QuestionBand)
	}
	if UsesTrainingNumber(a.Profession) {
		qs = append(qs, QuestionTrainingNumber)
	}
	return qs
}

// Set records the answer to one question from a web form value and returns
// the updated answers with anything that no longer applies dropped (see
// Prune). Band is given as "1" to "9"; training_number as "true"/"false"
// (or "yes"/"no") or "not-sure". A programme can only be set once the
// profession is known, and only to one of the programmes Options offers;
// band or training_number only for the professions asked them.
// Errors carry the question's page message (Question.Error) rather than
// the API wording. On error the answers are returned unchanged.
func (a Answers) Set(question, value string) (Answers, *FieldError) {
	value = strings.TrimSpace(value)
	pageErr := func(q string) *FieldError {
		qq, _ := QuestionByName(q)
		return &FieldError{Field: q, Message: qq.Error}
	}
	b := a
	switch question {
	case QuestionRegion:
		if !ValidRegion(value) {
			return a, pageErr(question)
		}
		b.Region = value
	case QuestionProfession:
		if !ValidProfession(value) {
			return a, pageErr(question)
		}
		b.Profession = value
	case QuestionProgramme:
		if !ValidProfession(a.Profession) {
			return a, pageErr(QuestionProfession)
		}
		if !hasValue(a.Options(question), value) {
			return a, pageErr(question)
		}
		b.Programme = value
	case QuestionBand:
		if !UsesBand(a.Profession) {
			return a, fieldErr(question, "The band question is only for nurses and allied health professionals.")
		}
		n, err := strconv.Atoi(value)
		if err != nil || n < MinBand || n > MaxBand {
			return a, pageErr(question)
		}
		b.Band = &n
	case QuestionTrainingNumber:
		if !UsesTrainingNumber(a.Profession) {
			return a, fieldErr(question, "The training number question is only for doctors and dentists.")
		}
		var t bool
		switch strings.ToLower(value) {
		case "true", "yes":
			t = true
		case "false", "no":
			t = false
		case TrainingNumberNotSure:
			b.TrainingNumber, b.TrainingNumberNotSure = nil, true
			return b.Prune(), nil
		default:
			return a, pageErr(question)
		}
		b.TrainingNumber, b.TrainingNumberNotSure = &t, false
	default:
		return a, fieldErr(question, "%s is not one of the questions.", shown(question))
	}
	return b.Prune(), nil
}

// upTo keeps the answers to question and the questions before it (in the
// order of QuestionsFor) and drops the rest.
func (a Answers) upTo(question string) Answers {
	return a.dropFrom(slices.Index(QuestionsFor(a), question) + 1)
}

// before keeps only the answers to the questions before question.
func (a Answers) before(question string) Answers {
	return a.dropFrom(slices.Index(QuestionsFor(a), question))
}

// dropFrom drops the answers to the questions from the i-th on (in the
// order of QuestionsFor); a negative i drops nothing.
func (a Answers) dropFrom(i int) Answers {
	if i < 0 {
		return a
	}
	for _, q := range QuestionsFor(a)[i:] {
		switch q {
		case QuestionRegion:
			a.Region = ""
		case QuestionProfession:
			a.Profession = ""
		case QuestionProgramme:
			a.Programme = ""
		case QuestionBand:
			a.Band = nil
		case QuestionTrainingNumber:
			a.TrainingNumber, a.TrainingNumberNotSure = nil, false
		}
	}
	return a
}

// answeredSoFar reports whether the answers were given in order: they are
// complete, or every question before the first one still to answer has a
// valid answer and nothing after it is answered. The web checker may stop
// at such answers when the rules have already decided (RuleSet.Settled).
func (a Answers) answeredSoFar() bool {
	if !a.same(a.Prune()) {
		return false
	}
	next := NextQuestion(a)
	return next == "" || a.before(next).same(a)
}

// previous is the question before q in qs, or "".
func previous(qs []string, q string) string {
	if i := slices.Index(qs, q); i > 0 {
		return qs[i-1]
	}
	return ""
}

// same reports whether a and b hold the same answers (Band and
// TrainingNumber compared by value).
func (a Answers) same(b Answers) bool {
	return a.Region == b.Region && a.Profession == b.Profession && a.Programme == b.Programme &&
		a.TrainingNumberNotSure == b.TrainingNumberNotSure &&
		eqPtr(a.Band, b.Band) && eqPtr(a.TrainingNumber, b.TrainingNumber)
}

func eqPtr[T comparable](x, y *T) bool {
	return x == y || (x != nil && y != nil && *x == *y)
}

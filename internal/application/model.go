package application

import (
	"net/url"
	"time"

	"github.com/psu-project/psu/internal/eligibility"
)

// Lifetimes.
const (
	// DraftLifetime is how long a draft is kept after it was last saved.
	DraftLifetime = 30 * 24 * time.Hour
	// LinkLifetime is how long an e-mailed link works (once).
	LinkLifetime = 7 * 24 * time.Hour
	// ReplyWithin is the first-response target the unit publishes.
	ReplyWithin = 14 * 24 * time.Hour
)

// Upload limits.
const (
	MaxFileSize = 10 << 20
	MaxFiles    = 10
)

// Decision is the eligibility decision a draft was admitted on.
type Decision struct {
	RuleID      string `json:"rule_id"`
	RuleVersion int    `json:"rule_version"`
	Eligible    bool   `json:"eligible"`
	Route       string `json:"route"`
}

// Draft is an application being filled in. Pages holds what was typed on
// each page exactly as it was posted, valid or not, so a resumed draft shows
// the person what they left; Done says which pages passed their checks when
// last saved.
type Draft struct {
	ID            string
	Eligibility   eligibility.Answers
	Decision      *Decision
	Email         string
	EmailVerified bool
	// emailVerifier is the SHA-256 of the value held by the session that
	// last confirmed Email through a link; only that session may change a
	// confirmed address.
	emailVerifier string
	Pages         map[string]url.Values
	Done          map[string]bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
	ExpiresAt     time.Time
}

// draftBody is the sealed part of a draft.
type draftBody struct {
	V           int                   `json:"v"`
	Eligibility eligibility.Answers   `json:"eligibility"`
	Decision    *Decision             `json:"decision,omitempty"`
	Email       string                `json:"email,omitempty"`
	Pages       map[string]url.Values `json:"pages,omitempty"`
	Done        map[string]bool       `json:"done,omitempty"`
}

// Page returns what was typed on page slug (never nil).
func (d *Draft) Page(slug string) url.Values {
	if v, ok := d.Pages[slug]; ok {
		return v
	}
	return url.Values{}
}

// Application is a submitted self-referral as the unit reads it. Everything
// below the clear columns is stored sealed.
type Application struct {
	ID               string    `json:"-"`
	Reference        string    `json:"-"`
	DraftID          string    `json:"-"`
	Status           string    `json:"-"`
	SubmittedAt      time.Time `json:"-"`
	FirstResponseDue time.Time `json:"-"`
	RuleID           string    `json:"-"`
	RuleVersion      int       `json:"-"`
	PolicyVersion    string    `json:"-"`
	ConsentCaseEmail bool      `json:"-"`
	ConsentFollowUp  bool      `json:"-"`

	Eligibility eligibility.Answers `json:"eligibility"`
	Email       string              `json:"email"`

	Name          string `json:"name"`
	PreferredName string `json:"preferred_name,omitempty"`
	Pronouns      string `json:"pronouns,omitempty"`
	Phone         string `json:"phone"`

	Regulator          string `json:"regulator"`
	RegistrationNumber string `json:"registration_number,omitempty"` // "" while not yet registered

	Grade          string     `json:"grade"`
	Specialty      string     `json:"specialty,omitempty"`
	Employer       string     `json:"employer"`
	TrainingNumber string     `json:"training_number,omitempty"`
	PostStart      time.Time  `json:"post_start"`
	PostEnd        *time.Time `json:"post_end,omitempty"`

	Concerns     []string `json:"concerns"`
	ConcernOther string   `json:"concern_other,omitempty"`
	Situation    string   `json:"situation"`
	Hopes        string   `json:"hopes"`

	Exam *Exam `json:"exam,omitempty"`
	ARCP *ARCP `json:"arcp,omitempty"`

	Proceedings       string `json:"proceedings"`
	ProceedingsDetail string `json:"proceedings_detail,omitempty"`

	Health       string `json:"health,omitempty"`
	HealthDetail string `json:"health_detail,omitempty"`
	Adjustments  string `json:"adjustments,omitempty"`

	MeetingWays  []string `json:"meeting_ways"`
	MeetingTimes string   `json:"meeting_times"`

	Documents []Document `json:"-"`
}

// Exam is the exam a person is struggling with.
type Exam struct {
	Name        string     `json:"name"`
	Part        string     `json:"part,omitempty"`
	Attempts    int        `json:"attempts"`
	NextSitting *time.Time `json:"next_sitting,omitempty"` // first of the month
}

// ARCP is the last Annual Review of Competence Progression (doctors and
// dentists). Had is false when there has not been one yet.
type ARCP struct {
	Had     bool      `json:"had"`
	Date    time.Time `json:"date,omitzero"`
	Outcome string    `json:"outcome,omitempty"`
}

// Document is an uploaded file's description; its content is read with
// FileContent.
type Document struct {
	ID          string    `json:"-"`
	Name        string    `json:"name"`
	Kind        string    `json:"kind"`
	ContentType string    `json:"-"`
	Size        int64     `json:"-"`
	CreatedAt   time.Time `json:"-"`
}

// setPage records what was typed on page slug and whether it passed.
func (d *Draft) setPage(slug string, v url.Values, done bool) {
	if d.Pages == nil {
		d.Pages = map[string]url.Values{}
	}
	if d.Done == nil {
		d.Done = map[string]bool{}
	}
	d.Pages[slug], d.Done[slug] = v, done
}

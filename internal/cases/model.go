package cases

import (
	"fmt"
	"slices"
	"time"
)

// Status is where a case stands. The allowed moves between statuses are
// the state machine in transitions; nothing else changes a status.
type Status string

const (
	Notified    Status = "notified"     // a referrer's notice; the trainee has not applied yet
	New         Status = "new"          // an application waiting for its first reply
	Contacted   Status = "contacted"    // the trainee has heard from an adviser
	Booked      Status = "booked"       // a one-to-one is booked
	Seen        Status = "seen"         // the one-to-one took place
	SummarySent Status = "summary_sent" // the written summary has been issued
	FollowUp    Status = "follow_up"    // a follow-up or review is planned
	Closed      Status = "closed"       // finished, with an outcome
	Withdrawn   Status = "withdrawn"    // the trainee withdrew
	NotEligible Status = "not_eligible" // outside what the unit can offer
	Merged      Status = "merged"       // a duplicate, folded into another case
)

// Statuses lists every status in the order of a case's life.
var Statuses = []Status{Notified, New, Contacted, Booked, Seen, SummarySent, FollowUp, Closed, Withdrawn, NotEligible, Merged}

var statusLabels = map[Status]string{
	Notified:    "Notified, not yet applied",
	New:         "New",
	Contacted:   "Contacted",
	Booked:      "Appointment booked",
	Seen:        "Seen",
	SummarySent: "Summary sent",
	FollowUp:    "Follow-up",
	Closed:      "Closed",
	Withdrawn:   "Withdrawn",
	NotEligible: "Not eligible",
	Merged:      "Merged into another case",
}

// Label is the status as staff read it.
func (s Status) Label() string { return statusLabels[s] }

// Valid reports whether s is a status.
func (s Status) Valid() bool { _, ok := statusLabels[s]; return ok }

// Open reports whether work on a case in status s goes on.
func (s Status) Open() bool {
	switch s {
	case Closed, Withdrawn, NotEligible, Merged:
		return false
	}
	return true
}

// transitions is the state machine: from each status, where a member of
// staff may move a case. The system also moves Notified to New when the
// trainee applies.
var transitions = map[Status][]Status{
	Notified:    {Closed, Merged},
	New:         {Contacted, NotEligible, Withdrawn, Merged},
	Contacted:   {Booked, NotEligible, Withdrawn, Closed, Merged},
	Booked:      {Seen, Contacted, Withdrawn},
	Seen:        {SummarySent, Booked, Withdrawn, Closed},
	SummarySent: {FollowUp, Closed, Withdrawn},
	FollowUp:    {Booked, Closed, Withdrawn},
	Closed:      {Contacted}, // reopened
}

// Next lists where a case in status s may go.
func (s Status) Next() []Status { return transitions[s] }

// CanMove reports whether the state machine allows s → to.
func (s Status) CanMove(to Status) bool { return slices.Contains(transitions[s], to) }

// TransitionError is a refused move, worded for the person who tried it.
type TransitionError struct{ From, To Status }

func (e *TransitionError) Error() string {
	if e.From == e.To {
		return fmt.Sprintf("This case is already \u201c%s\u201d.", e.From.Label())
	}
	return fmt.Sprintf("A case that is \u201c%s\u201d cannot move to \u201c%s\u201d. Refresh the page to see where it stands now.",
		e.From.Label(), e.To.Label())
}

// Case is one trainee's case as the queue and the case page read it.
// Sealed content (the name) is opened only for someone allowed to see it.
type Case struct {
	ID               string
	Reference        string
	Status           Status
	StatusAt         time.Time
	OpenedAt         time.Time
	SubmittedAt      time.Time // zero while only notified
	ResponseDue      time.Time // zero while only notified
	RespondedAt      time.Time // zero until first contact
	ClockPausedAt    time.Time // zero unless paused
	ClockPausedDays  int
	AssignedTo       string
	AssignedAt       time.Time
	Restricted       bool
	MergedInto       string
	Outcome          string
	ClosedAt         time.Time
	Profession       string
	Region           string
	Programme        string
	ConsentCaseEmail bool
	ConsentFollowUp  bool
	EmailBlind       string
	UpdatedAt        time.Time
	// ErasedAt is when the case's key and sealed content were destroyed
	// (retention, or an approved request); zero while it holds them.
	ErasedAt time.Time

	keySealed   []byte
	nameSealed  []byte
	emailSealed []byte
}

// Topics are what a trainee may want help with, as the application asks.
var Topics = []struct{ Value, Label string }{
	{"exams", "Exams"},
	{"relationships", "Relationships at work"},
	{"personal", "Personal difficulties"},
	{"mental-health", "Stress, burnout or mental health"},
	{"dyslexia", "Possible dyslexia"},
	{"career", "Career"},
	{"other", "Something else"},
}

// TopicLabel names a topic.
func TopicLabel(v string) string {
	for _, t := range Topics {
		if t.Value == v {
			return t.Label
		}
	}
	return v
}

// Erased reports whether c's content has been erased.
func (c *Case) Erased() bool { return !c.ErasedAt.IsZero() }

package cases

import (
	"fmt"
	"time"

	"github.com/psu-project/psu/internal/workdays"
)

// ClockState is where a case's first-response clock stands.
type ClockState string

const (
	ClockNone    ClockState = ""         // no application yet
	ClockOnTrack ClockState = "on-track" // green
	ClockDueSoon ClockState = "due-soon" // amber: AmberDays or fewer left
	ClockOverdue ClockState = "overdue"  // red
	ClockPaused  ClockState = "paused"   // waiting for the trainee
	ClockMet     ClockState = "met"      // replied in time
	ClockLate    ClockState = "late"     // replied after the target
	// ClockReviewDue is not the first-response clock: an open case whose
	// review date (set in the plan room) has come.
	ClockReviewDue ClockState = "review-due"
)

// AmberDays is how close to its target a case turns amber.
const AmberDays = 3

// ClockStates lists the states a queue can filter on.
var ClockStates = []struct {
	Value ClockState
	Label string
}{
	{ClockOverdue, "Overdue"},
	{ClockDueSoon, fmt.Sprintf("Due within %d days", AmberDays)},
	{ClockOnTrack, "On track"},
	{ClockPaused, "Paused"},
	{ClockMet, "Replied in time"},
	{ClockLate, "Replied late"},
	{ClockReviewDue, "Review due"},
}

// Clock is a case's first-response clock as a person reads it: never by
// colour alone, always with words.
type Clock struct {
	State ClockState
	Left  int    // days left (negative: days over), while running
	Words string // "3 days left", "2 days over", "Paused", "Replied in 4 days"
	Due   time.Time
}

// ClockOf works out c's clock at now.
func ClockOf(c *Case, clock *workdays.Clock, now time.Time) Clock {
	if c.SubmittedAt.IsZero() {
		return Clock{}
	}
	k := Clock{Due: c.ResponseDue}
	unit := func(n int) string {
		if clock.Mode == workdays.Working {
			return plural(n, "working day", "working days")
		}
		return plural(n, "day", "days")
	}
	switch {
	case !c.RespondedAt.IsZero():
		took := clock.Between(c.SubmittedAt, c.RespondedAt)
		k.State, k.Words = ClockMet, fmt.Sprintf("Replied in %d %s", took, unit(took))
		if c.RespondedAt.After(c.ResponseDue) {
			k.State = ClockLate
		}
	case !c.ClockPausedAt.IsZero():
		k.State, k.Words = ClockPaused, "Paused"
	default:
		k.Left = clock.Left(now, c.ResponseDue)
		switch {
		case now.After(c.ResponseDue) && k.Left >= 0:
			// A weekend or holiday just after the target: over, though no
			// counting day has passed yet.
			k.State, k.Left = ClockOverdue, -1
			k.Words = "Overdue since " + c.ResponseDue.In(workdays.London).Format("Monday 2 January")
		case k.Left < 0:
			k.State, k.Words = ClockOverdue, fmt.Sprintf("%d %s over", -k.Left, unit(-k.Left))
		case k.Left == 0:
			k.State, k.Words = ClockDueSoon, "Due today"
		case k.Left <= AmberDays:
			k.State, k.Words = ClockDueSoon, fmt.Sprintf("%d %s left", k.Left, unit(k.Left))
		default:
			k.State, k.Words = ClockOnTrack, fmt.Sprintf("%d %s left", k.Left, unit(k.Left))
		}
	}
	return k
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// amberFrom is the earliest target that is still more than AmberDays
// counting days away at now: targets before it are due soon (or over).
func amberFrom(clock *workdays.Clock, now time.Time) time.Time {
	return clock.Due(now, AmberDays+1)
}

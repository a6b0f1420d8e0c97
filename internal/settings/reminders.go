package settings

import (
	"context"
	"strconv"

	"github.com/psu-project/psu/internal/store"
)

// KeyReminderHours is how long before an appointment the trainee is
// e-mailed a reminder, in hours.
const KeyReminderHours = "appointments.reminder_hours"

// The reminder's notice an administrator may set, in hours (up to a week).
const (
	DefaultReminderHours = 24
	MinReminderHours     = 1
	MaxReminderHours     = 168
)

// ReminderHours reads how many hours before an appointment its reminder
// goes.
func ReminderHours(ctx context.Context, q store.Querier) (int, error) {
	v, err := Get(ctx, q, KeyReminderHours, "")
	if err != nil {
		return DefaultReminderHours, err
	}
	if n, err := strconv.Atoi(v); err == nil && n >= MinReminderHours && n <= MaxReminderHours {
		return n, nil
	}
	return DefaultReminderHours, nil
}

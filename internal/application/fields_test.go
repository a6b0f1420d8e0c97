package application

import (
	"net/url"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/web"
)

func TestRegistrationNumbers(t *testing.T) {
	tests := []struct {
		profession, number string
		ok                 bool
	}{
		{"doctor", "7123456", true},
		{"doctor", "712345", false},
		{"doctor", "GMC7123456", false},
		{"dentist", "123456", true},
		{"dentist", "12a456", false},
		{"nurse", "12a 3456e", true},
		{"nurse", "12A3456", false},
		{"nurse", "1A23456E", false},
		{"allied-health-professional", "PH123456", true},
		{"allied-health-professional", "odp 12345", true},
		{"allied-health-professional", "P123456", false},
		{"allied-health-professional", "PHYS123456", false},
		{"healthcare-scientist", "CS12345", true},
		{"pharmacist", "2071234", true},
		{"pharmacy-technician", "5012345", true},
		{"pharmacist", "207123", false},
	}
	for _, tt := range tests {
		reg := regulatorFor(tt.profession)
		if got := reg.pattern.MatchString(normaliseRegistration(tt.number)); got != tt.ok {
			t.Errorf("%s %s %q: valid=%v, want %v", tt.profession, reg.Code, tt.number, got, tt.ok)
		}
	}
}

func TestPhoneNumbers(t *testing.T) {
	for number, ok := range map[string]bool{
		"07700 900982": true, "(020) 7946 0958": true, "+44 7700 900982": true, "+44 (0)7700 900982": true,
		"+33 1 23 45 67 89": true, "0770090098": true, "077009009821": false, "12345": false, "call me": false, "": false,
	} {
		if got := validPhone(number); got != ok {
			t.Errorf("validPhone(%q) = %v, want %v", number, got, ok)
		}
	}
}

func TestDates(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	fd := field{Name: "d", Kind: kindDate}
	for _, tt := range []struct {
		day, month, year string
		want             time.Time
		msg              string
	}{
		{"5", "8", "2026", time.Date(2026, 8, 5, 0, 0, 0, 0, time.UTC), ""},
		{"05", "August", "2026", time.Date(2026, 8, 5, 0, 0, 0, 0, time.UTC), ""},
		{"5", "aug", "2026", time.Date(2026, 8, 5, 0, 0, 0, 0, time.UTC), ""},
		{"29", "2", "2027", time.Time{}, "The date must be a real date, like 27 3 2024"},
		{"", "8", "2026", time.Time{}, "The date must include a day"},
		{"", "", "", time.Time{}, "Enter the date"},
		{"5", "8", "26", time.Time{}, "The date must be a real date, written in numbers, like 27 3 2024"},
	} {
		f := web.NewForm(url.Values{"d-day": {tt.day}, "d-month": {tt.month}, "d-year": {tt.year}})
		got := reader{f: f, now: now}.date(fd, "the date", true)
		if !got.Equal(tt.want) || f.Error("d") != tt.msg {
			t.Errorf("%s/%s/%s: %v %q, want %v %q", tt.day, tt.month, tt.year, got, f.Error("d"), tt.want, tt.msg)
		}
	}
}

package directory

import (
	"slices"
	"testing"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Can't cope":                     "cant cope",
		"CAN’T   COPE!":                  "cant cope",
		"Self-harm":                      "self harm",
		"Doctors' wellbeing":             "doctors wellbeing",
		"Café naïve Zoë":                 "cafe naive zoe",
		"I&R":                            "i r",
		"LGBTQ+":                         "lgbtq",
		"  coroner's report  ":           "coroners report",
		"Royal College of Obstetricians": "royal college of obstetricians",
		"":                               "",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
	if got := words(fold("Gamblers Anonymous, 12-step")); !slices.Equal(got, []string{"gamblers", "anonymous", "12", "step"}) {
		t.Errorf("words = %q", got)
	}
}

func TestSummary(t *testing.T) {
	for in, want := range map[string]string{
		"A helpline for doctors. It is open all day.": "A helpline for doctors.",
		"Is it for you? Yes.":                         "Is it for you?",
		"No full stop here":                           "No full stop here",
		"Version 3.0 of the rules. More.":             "Version 3.0 of the rules.",
	} {
		if got := summary(in); got != want {
			t.Errorf("summary(%q) = %q, want %q", in, got, want)
		}
	}
}

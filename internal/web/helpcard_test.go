package web

import (
	"os"
	"regexp"
	"slices"
	"testing"
)

// The numbers the card's template links to are exactly HelpCardNumbers,
// so the directory editor's warning covers every one of them.
func TestHelpCardNumbersMatchTheTemplate(t *testing.T) {
	b, err := os.ReadFile("templates/base/partials.html")
	if err != nil {
		t.Fatal(err)
	}
	start := regexp.MustCompile(`(?s)<aside class="psu-need-help.*?</aside>`).Find(b)
	if start == nil {
		t.Fatal("no help card in partials.html")
	}
	var inCard []string
	for _, m := range regexp.MustCompile(`href="(?:tel:|sms:)([0-9]+)[^"]*"|href="\{\{tel "([^"]+)"\}\}"`).FindAllSubmatch(start, -1) {
		n := string(m[1]) + string(m[2])
		inCard = append(inCard, digits(n))
	}
	var listed []string
	for _, n := range HelpCardNumbers() {
		listed = append(listed, digits(n))
		if !OnHelpCard(n) {
			t.Errorf("%s is not on the card", n)
		}
	}
	slices.Sort(inCard)
	slices.Sort(listed)
	if !slices.Equal(inCard, listed) {
		t.Errorf("the card links to %v; HelpCardNumbers lists %v", inCard, listed)
	}
	if OnHelpCard("020 7946 0123") {
		t.Error("a number not on the card counts as on it")
	}
}

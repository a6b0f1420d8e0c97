package web

import "strings"

// HelpCardNumbers are the phone numbers the "Help at any time" card
// (templates/base/partials.html) writes on every public page, as the
// template writes them. They are in the template rather than read from the
// directory, so that the card never depends on it; the directory editor
// warns an editor who changes one of them in a listing, since publishing
// does not change the card.
func HelpCardNumbers() []string {
	return []string{"999", "111", "116 123", "85258", "08459 200 169", "01455 254 189", "0370 444 5163"}
}

// OnHelpCard reports whether number, written in any grouping, is one the
// "Help at any time" card gives.
func OnHelpCard(number string) bool {
	d := digits(number)
	for _, n := range HelpCardNumbers() {
		if digits(n) == d {
			return true
		}
	}
	return false
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

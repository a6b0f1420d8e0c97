package directory

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fold turns text into the form that searching works on: lower case, accents
// removed, apostrophes dropped (so "can't" and "cant" agree, as do
// "doctors'" and "doctors"), every other run of punctuation or space
// turned into one space.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading space
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '\'' || r == '\u2019' || r == '\u2018' || r == '`':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(foldRune(r))
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// foldRune lowers r and spells out the few letters that NFD leaves whole.
func foldRune(r rune) rune {
	switch r {
	case 'ß':
		return 's'
	case 'ø', 'Ø':
		return 'o'
	case 'ł', 'Ł':
		return 'l'
	case 'đ', 'Đ':
		return 'd'
	}
	return unicode.ToLower(r)
}

// words splits folded text into words.
func words(folded string) []string { return strings.Fields(folded) }

// stopwords are left out of full-text queries: they match nearly every
// service and say nothing about the need. PostgreSQL's english
// configuration drops them itself; SQLite's does not, so we drop them here
// for both.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a about above after again against all am an and any are as at be because been
		before being below between both but by can could did do does doing down during each few for from further
		had has have having he her here hers herself him himself his how i if in into is it its itself just me
		more most my myself no nor not now of off on once only or other our ours ourselves out over own same she
		should so some such than that the their theirs them themselves then there these they this those through
		to too under until up very was we were what when where which while who whom why will with would you your
		yours yourself yourselves im ive id ill dont doesnt didnt cant wont isnt arent wasnt werent get got getting
		really please want need help someone something anything feel feeling like know much many lot lots also
		still ever never always every since even well going go went been keep kept thing things way`) {
		stopwords[w] = true
	}
}

// summary is the first sentence of a description: the one line a result
// card shows. A description without a sentence end is returned whole.
func summary(desc string) string {
	desc = strings.TrimSpace(desc)
	for i := 0; i < len(desc); {
		r, n := utf8.DecodeRuneInString(desc[i:])
		i += n
		if r == '.' || r == '!' || r == '?' {
			if i == len(desc) || desc[i] == ' ' || desc[i] == '\n' {
				return desc[:i]
			}
		}
	}
	return desc
}

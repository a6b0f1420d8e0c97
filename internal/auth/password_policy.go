package auth

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// The password policy follows the NCSC's advice: a length floor, no
// composition rules (they push people to Password1!), and a refusal of the
// passwords attackers try first: common and breached ones, simple patterns,
// and ones built from what others can find out about the person. One
// function, CheckPassword, serves every place a password is set.

const (
	// MinPasswordLength is in characters (runes), not bytes.
	MinPasswordLength = 12
	// MaxPasswordBytes bounds the work argon2id is given.
	MaxPasswordBytes = 256
)

// UnitNames are the names the unit goes by, which nobody's password may be
// built from.
var UnitNames = []string{"Professional Support Unit", "PSU", "Individual Support Team", "NHS"}

// WeakPasswordError says why a new password is refused, in words to show the
// person choosing it.
type WeakPasswordError struct {
	Reason string // too_short, too_long, common, pattern or personal; safe to log
	msg    string
}

func (e *WeakPasswordError) Error() string { return e.msg }

const passwordAdvice = "Three or four random words together make a strong password that is easy to remember"

var (
	errPasswordTooShort = &WeakPasswordError{"too_short", "Password must be 12 characters or more. " + passwordAdvice}
	errPasswordTooLong  = &WeakPasswordError{"too_long", "Password must be 256 characters or fewer"}
	errPasswordCommon   = &WeakPasswordError{"common", "This password is too common: it is on the lists of passwords " +
		"that attackers try first, because many people use it or it has been stolen from other websites. " +
		"Choose a different one. " + passwordAdvice}
	errPasswordPattern = &WeakPasswordError{"pattern", "This password is a simple pattern, such as a character or group " +
		"of characters repeated or a run along the keyboard, which attackers try first. Choose a different one. " + passwordAdvice}
	errPasswordPersonal = &WeakPasswordError{"personal", "Your password must not be based on your name, your e-mail " +
		"address or the name of the unit, because others can find those out. Choose a different one. " + passwordAdvice}
)

// CheckPassword returns a *WeakPasswordError when pw may not be used as a new
// password, and nil when it may. personal is what others could know about
// the person: their name, e-mail address, the site's host name. The unit's
// names are always included.
//
// Besides the password as typed, it looks at what is left when digits,
// punctuation and spaces are taken off either end ("Password2024!" is
// "password") and with leetspeak read back as letters ("P4ssw0rd" is
// "password"), since those are the first changes an attacker tries.
func CheckPassword(pw string, personal ...string) error {
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		return errPasswordTooShort
	case len(pw) > MaxPasswordBytes:
		return errPasswordTooLong
	}
	forms := passwordForms(pw)
	for _, f := range forms {
		if utf8.RuneCountInString(f) >= 4 && isCommonPassword(f) {
			return errPasswordCommon
		}
	}
	if isSimplePattern(withoutSeparators(strings.ToLower(pw))) {
		return errPasswordPattern
	}
	words, wholes := personalTokens(append(slices.Clip(personal), UnitNames...))
	for _, f := range forms {
		if builtFromPersonal(f, words, wholes) {
			return errPasswordPersonal
		}
	}
	return nil
}

// passwordForms returns pw lower-cased, the same with separators removed,
// each with digits and punctuation trimmed from the ends, and each of those
// read as leetspeak (two ways, since 1 stands for both i and l).
func passwordForms(pw string) []string {
	lower := strings.ToLower(pw)
	var out []string
	add := func(s string) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, s := range []string{lower, withoutSeparators(lower)} {
		add(s)
		core := strings.TrimFunc(s, isAffix)
		add(core)
		for _, leet := range []*strings.Replacer{leetI, leetL} {
			// Both ways round: "p4ssw0rd1234" loses its digits before it
			// is read as letters, "4d4L0v3l4c3" only after.
			add(strings.TrimFunc(leet.Replace(core), isAffix))
			add(strings.TrimFunc(leet.Replace(s), isAffix))
		}
	}
	return out
}

func isAffix(r rune) bool {
	return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)
}

func withoutSeparators(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '_' || r == '.' {
			return -1
		}
		return r
	}, s)
}

var leetPairs = []string{"0", "o", "3", "e", "4", "a", "@", "a", "5", "s", "$", "s", "7", "t", "+", "t", "8", "b", "!", "i", "|", "l"}

var (
	leetI = strings.NewReplacer(append(slices.Clone(leetPairs), "1", "i")...)
	leetL = strings.NewReplacer(append(slices.Clone(leetPairs), "1", "l")...)
)

// commonPasswords is the list scripts/common-passwords builds: lower-case,
// sorted, one a line.
//
//go:embed common_passwords.txt.gz
var commonPasswordsGz []byte

// commonPasswords is read once, on first use: about 49,000 passwords, kept
// sorted for binary search (about 1 MB in memory).
var commonPasswords = sync.OnceValue(func() []string {
	zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
	if err != nil {
		panic("auth: embedded password list: " + err.Error())
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		panic("auth: embedded password list: " + err.Error())
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
})

func isCommonPassword(lower string) bool {
	_, found := slices.BinarySearch(commonPasswords(), lower)
	return found
}

// Runs along these, either way, are patterns, not passwords.
var sequences = []string{
	"abcdefghijklmnopqrstuvwxyz",
	"01234567890",
	"qwertyuiopasdfghjklzxcvbnm",
	"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
	"qazwsxedcrfvtgbyhnujmikolp",
}

// isSimplePattern reports whether s is one group of characters repeated
// ("abcabcabcabc", "aaaaaaaaaaaa") or a run along the alphabet, the digits
// or the keyboard ("qwertyuiopas", "987654321098").
func isSimplePattern(s string) bool {
	r := []rune(s)
	if len(r) < 2 {
		return true // nothing but spaces, or one character
	}
	for p := 1; p <= len(r)/2; p++ {
		repeated := true
		for i := p; i < len(r) && repeated; i++ {
			repeated = r[i] == r[i-p]
		}
		if repeated {
			return true
		}
	}
	for _, seq := range sequences {
		run := true
		for i := 1; i < len(r) && run; i++ {
			run = neighbours(seq, r[i-1], r[i])
		}
		if run {
			return true
		}
	}
	return false
}

func neighbours(seq string, a, b rune) bool {
	for i := 0; i+1 < len(seq); i++ {
		x, y := rune(seq[i]), rune(seq[i+1])
		if (x == a && y == b) || (x == b && y == a) {
			return true
		}
	}
	return false
}

// personalTokens splits what is known about a person into the words a
// password might be built from (each word of two letters or more) and the
// whole values run together ("adalovelace", and an e-mail address's local
// part), which no password may contain.
func personalTokens(values []string) (words, wholes []string) {
	add := func(list *[]string, s string, min int) {
		if utf8.RuneCountInString(s) >= min && !slices.Contains(*list, s) {
			*list = append(*list, s)
		}
	}
	for _, v := range values {
		v = strings.ToLower(strings.TrimSpace(v))
		if local, _, ok := strings.Cut(v, "@"); ok {
			add(&words, lettersOnly(local), 2)
			add(&wholes, lettersOnly(local), 6)
		} else {
			add(&wholes, lettersOnly(v), 6)
		}
		add(&words, lettersOnly(v), 2)
		for _, w := range strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) }) {
			add(&words, w, 2)
		}
	}
	return words, wholes
}

func lettersOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, s)
}

// fillers may join personal words without making a password any less
// built from them ("mynameisada", "adapassword").
var fillers = []string{"a", "i", "my", "me", "is", "the", "and", "of", "love", "pass", "password", "passwd", "welcome", "hello", "hi", "admin", "login", "secret", "work"}

// builtFromPersonal reports whether the letters of form are made only of
// personal words (and fillers, with at least one personal word), or hold a
// whole name or e-mail local part of six letters or more.
func builtFromPersonal(form string, tokens, wholes []string) bool {
	letters := lettersOnly(form)
	if letters == "" {
		return false
	}
	for _, t := range wholes {
		if strings.Contains(letters, t) {
			return true
		}
	}
	// reach[i] is 0 when letters[:i] cannot be split into known words, 1
	// when it can with fillers only, 2 when with at least one personal word.
	reach := make([]byte, len(letters)+1)
	reach[0] = 1
	for i := 0; i < len(letters); i++ {
		if reach[i] == 0 {
			continue
		}
		for k, words := range [2][]string{tokens, fillers} {
			for _, w := range words {
				if strings.HasPrefix(letters[i:], w) {
					v := reach[i]
					if k == 0 {
						v = 2
					}
					reach[i+len(w)] = max(reach[i+len(w)], v)
				}
			}
		}
	}
	return reach[len(letters)] == 2
}

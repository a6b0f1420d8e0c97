package auth

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestCheckPasswordRefusesWeakPasswords(t *testing.T) {
	personal := []string{"Ada Lovelace", "ada.lovelace@example.nhs.uk", "psu.example.nhs.uk"}
	for _, tc := range []struct{ pw, reason string }{
		// The review's examples.
		{"password1234", "common"},
		{"123456789012", "common"},
		{"qwertyuiop12", "common"},

		// Length as before.
		{"short", "too_short"},
		{"elevenchars", "too_short"},
		{"ééééééééééé", "too_short"}, // runes, not bytes
		{strings.Repeat("horse battery ", 20), "too_long"},

		// Common passwords with the changes attackers try first.
		{"Password1234", "common"},
		{"PASSWORD2024!", "common"},
		{"!!Password!!", "common"},
		{"P@ssw0rd2024", "common"},
		{"p4ssw0rd1234", "common"},
		{"iloveyou1234", "common"},
		{"Sunshine2024!", "common"},
		{"monkey123456", "common"},
		{"1qaz2wsx3edc", "common"},
		{"letmein!2024", "common"},
		{"Liverpool123", "common"},
		{"trustno1trustno1", "pattern"},

		// Patterns.
		{"aaaaaaaaaaaa", "pattern"},
		{"abcabcabcabc", "pattern"},
		{"121212121212", "pattern"},
		{"zyxwvutsrqpo", "pattern"},
		{"qwertyuiopasdf", "pattern"},
		{"987654321098", "pattern"},
		{"!!!!!!!!!!!!!", "pattern"},
		{"            ", "pattern"},

		// Built from the person's name, address or the unit's name.
		{"AdaLovelace1", "personal"},
		{"ada lovelace 2024", "personal"},
		{"Lovelace2024!!", "personal common"}, // the surname is on the list too
		{"4d4L0v3l4c3!", "personal"},
		{"ada.lovelace@example.nhs.uk", "personal"},
		{"my name is ada lovelace", "personal"},
		{"adapassword99", "personal"},
		{"ProfessionalSupportUnit1", "personal"},
		{"PSU-2024-psu-2024", "personal pattern"},
		{"nhspsu2024!!", "personal"},
		{"lovelace-ada-1815", "personal"},
		{"LOVELACE.ADA.99", "personal"},
		{"ilovelovelace!", "personal"},
	} {
		err := CheckPassword(tc.pw, personal...)
		var we *WeakPasswordError
		if !errors.As(err, &we) {
			t.Errorf("%q accepted, want refused (%s)", tc.pw, tc.reason)
			continue
		}
		if !slices.Contains(strings.Fields(tc.reason), we.Reason) {
			t.Errorf("%q refused as %s, want %s", tc.pw, we.Reason, tc.reason)
		}
		if !strings.Contains(we.Error(), "Choose a different one") && we.Reason != "too_long" && we.Reason != "too_short" {
			t.Errorf("%q: message does not say what to do: %q", tc.pw, we.Error())
		}
	}
}

func TestCheckPasswordAcceptsGoodPasswords(t *testing.T) {
	personal := []string{"Ada Lovelace", "ada.lovelace@example.nhs.uk", "psu.example.nhs.uk"}
	for _, pw := range []string{
		"correct horse battery staple",
		"a long and memorable passphrase",
		"Tangerine-Walrus-Bicycle",
		"x7Kp9!mQ2z84",
		"837291640193", // twelve random digits: long enough, on no list
		"purple monkey dishwasher",
		"ada's cat eats tuna on tuesdays", // the name inside a longer phrase
		"Lovelace wrote the first program in 1843",
		"glacier lamp umbrella 7",
		"σκύλος γάτα άλογο",
	} {
		if err := CheckPassword(pw, personal...); err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
	}
}

// Every place a password is set passes what it knows about the person; the
// same password is fine for someone else.
func TestCheckPasswordIsAboutThePerson(t *testing.T) {
	if err := CheckPassword("Mortimer-Rutherford-1"); err != nil {
		t.Fatalf("refused with nothing personal: %v", err)
	}
	var we *WeakPasswordError
	if err := CheckPassword("Mortimer-Rutherford-1", "Mortimer Rutherford", "m.rutherford@example.nhs.uk"); !errors.As(err, &we) || we.Reason != "personal" {
		t.Fatalf("built from the name: %v", err)
	}
	if err := CheckPassword("rutherford2025", "Mortimer Rutherford"); !errors.As(err, &we) || we.Reason != "personal" {
		t.Fatalf("surname and year: %v", err)
	}
	if err := CheckPassword("mrutherford!!", "m.rutherford@example.nhs.uk"); !errors.As(err, &we) || we.Reason != "personal" {
		t.Fatalf("e-mail local part: %v", err)
	}
}

// The embedded list is what scripts/common-passwords writes: lower-case,
// sorted and without repeats (binary search depends on it), and of the size
// the package ships.
func TestCommonPasswordListIsSortedAndWhole(t *testing.T) {
	list := commonPasswords()
	if len(list) < 40000 {
		t.Fatalf("%d passwords, want the whole list (about 49,000)", len(list))
	}
	if !slices.IsSorted(list) {
		t.Fatal("list not sorted")
	}
	for i, p := range list {
		if p == "" || p != strings.ToLower(p) || (i > 0 && list[i-1] == p) {
			t.Fatalf("entry %d %q: empty, not lower-case or repeated", i, p)
		}
	}
	for _, p := range []string{"123456", "password", "qwertyuiop", "iloveyou"} {
		if !isCommonPassword(p) {
			t.Errorf("%q not found", p)
		}
	}
}

func BenchmarkCheckPassword(b *testing.B) {
	commonPasswords()
	for b.Loop() {
		CheckPassword("Tangerine-Walrus-Bicycle", "Ada Lovelace", "ada.lovelace@example.nhs.uk")
	}
}

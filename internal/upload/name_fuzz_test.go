package upload

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzCleanName checks the name a document is stored, listed and offered
// for download under, whatever the browser sent. It must be one file name
// (no path), in NFC, short, without anything invisible or that changes how
// the rest reads, without characters Windows refuses, never a device name,
// never empty, and the same when cleaned again.
//
//	go test ./internal/upload -run '^$' -fuzz '^FuzzCleanName$' -fuzztime 10m
func FuzzCleanName(f *testing.F) {
	for _, s := range []string{
		"ARCP outcome.pdf", `C:\Users\ann\Documents\letter.docx`, "../../etc/passwd", "photo.JPG",
		"report\u202Efdp.exe", "  ..hidden.pdf. ", "CON.pdf", "lpt1", "a\x00b\r\nc.png", "e\u0301clair.pdf",
		strings.Repeat("long name ", 30) + ".pdf", "notes." + strings.Repeat("x", 11), "\xff\xfe.pdf", "<script>.pdf",
		"👩\u200D⚕️ summary.pdf", "résumé\u200B.docx", "",
		"A\x13\u0301", // the control went after NFC, leaving Á in two code points
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := CleanName(in)
		switch {
		case out == "":
			t.Fatalf("CleanName(%q) is empty", in)
		case !utf8.ValidString(out) || !norm.NFC.IsNormalString(out):
			t.Fatalf("CleanName(%q) = %q is not NFC UTF-8", in, out)
		case utf8.RuneCountInString(out) > MaxNameLength:
			t.Fatalf("CleanName(%q) = %q is %d characters, more than %d", in, out, utf8.RuneCountInString(out), MaxNameLength)
		case strings.ContainsAny(out, "/\\<>:\"|?*"):
			t.Fatalf("CleanName(%q) = %q holds a path separator or a character Windows refuses", in, out)
		case strings.HasPrefix(out, ".") || strings.HasPrefix(out, " ") || strings.HasSuffix(out, ".") || strings.HasSuffix(out, " ") || strings.Contains(out, "  "):
			t.Fatalf("CleanName(%q) = %q starts or ends with a dot or space, or doubles a space", in, out)
		}
		for _, r := range out {
			if r != ' ' && !keepRune(r) {
				t.Fatalf("CleanName(%q) = %q keeps %U", in, out, r)
			}
		}
		stem, _ := splitExt(out)
		if reservedDevice(stem) {
			t.Fatalf("CleanName(%q) = %q is a Windows device name", in, out)
		}
		if again := CleanName(out); again != out {
			t.Fatalf("CleanName is not stable: %q → %q → %q", in, out, again)
		}
	})
}

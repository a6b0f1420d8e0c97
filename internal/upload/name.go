package upload

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// CleanName makes an uploaded file's name safe to show and to offer as a
// download name: the last element of any path, in Unicode NFC, without
// control, format (bidirectional overrides, zero-width) or private-use
// characters, without characters Windows reserves, spaces collapsed, no
// leading dots, and at most MaxNameLength characters with its extension
// kept. A name with nothing left is "Unnamed file".
func CleanName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = norm.NFC.String(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), strings.ContainsRune(`<>:"|?*`, r):
			space = true
			continue
		case !keepRune(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	// Again, now that dropped characters may have brought a base and a
	// combining mark together ("A", a control, then an acute accent).
	s = norm.NFC.String(strings.TrimRight(strings.TrimLeft(b.String(), ". "), ". "))
	if s == "" {
		return "Unnamed file"
	}
	// Cutting a long name short can leave what reads as a new extension
	// ("… .0"), which the next reading would split off and tidy: read it
	// until it stays the same, so a stored name is the same when cleaned
	// again.
	for range 4 {
		stem, ext := splitExt(s)
		if reservedDevice(stem) {
			stem = "_" + stem
		}
		next := capName(stem, ext)
		if next == s {
			break
		}
		s = next
	}
	return s
}

// keepRune drops characters that are invisible or change how the rest of
// a name is shown: controls, bidirectional overrides and other format
// characters (except the joiners some scripts and emoji need), private-use
// and surrogate code points, and the replacement character.
func keepRune(r rune) bool {
	switch {
	case r == '\u200C' || r == '\u200D':
		return true
	case r == utf8.RuneError:
		return false
	case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs):
		return false
	}
	return unicode.IsPrint(r) || unicode.IsGraphic(r)
}

// splitExt splits off a short extension of letters and digits (".pdf"),
// the part a file's type is known by.
func splitExt(s string) (stem, ext string) {
	i := strings.LastIndexByte(s, '.')
	if i <= 0 || len(s)-i-1 < 1 || len(s)-i-1 > 10 {
		return s, ""
	}
	for _, c := range s[i+1:] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return s, ""
		}
	}
	return strings.TrimRight(s[:i], ". "), s[i:]
}

// reservedDevice reports names Windows will not create as a file.
func reservedDevice(stem string) bool {
	base, _, _ := strings.Cut(stem, ".")
	base = strings.ToUpper(strings.TrimSpace(base))
	switch base {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	return len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && base[3] >= '1' && base[3] <= '9'
}

// capName joins stem and extension, shortening the stem so that the whole
// is at most MaxNameLength characters.
func capName(stem, ext string) string {
	if utf8.RuneCountInString(ext) >= MaxNameLength/2 {
		ext = ""
	}
	room := MaxNameLength - utf8.RuneCountInString(ext)
	if utf8.RuneCountInString(stem) > room {
		r := []rune(stem)[:room]
		// Do not leave a combining mark without its base, or a dangling
		// joiner, space or dot before the extension.
		for len(r) > 0 && (unicode.Is(unicode.Mn, r[len(r)-1]) || r[len(r)-1] == '\u200D' || r[len(r)-1] == '\u200C' || r[len(r)-1] == ' ' || r[len(r)-1] == '.') {
			r = r[:len(r)-1]
		}
		stem = string(r)
	}
	if stem == "" {
		stem = "Unnamed file"
	}
	return stem + ext
}

// extensions are the names each type is known by; the first is the one
// given to a file whose name does not say what it is.
var extensions = map[string][]string{
	TypePDF:  {".pdf"},
	TypeDOCX: {".docx"},
	TypeJPEG: {".jpg", ".jpeg", ".jpe", ".jfif"},
	TypePNG:  {".png"},
}

// misleading are extensions that name some other type: they are replaced
// rather than kept in front of the right one.
var misleading = map[string]bool{
	".pdf": true, ".docx": true, ".doc": true, ".docm": true, ".dotx": true, ".dotm": true, ".rtf": true, ".odt": true, ".txt": true,
	".jpg": true, ".jpeg": true, ".jpe": true, ".jfif": true, ".png": true, ".gif": true, ".bmp": true, ".tif": true, ".tiff": true,
	".heic": true, ".heif": true, ".webp": true, ".svg": true, ".htm": true, ".html": true, ".xhtml": true, ".js": true,
	".exe": true, ".com": true, ".bat": true, ".cmd": true, ".scr": true, ".msi": true, ".ps1": true, ".vbs": true, ".hta": true,
	".sh": true, ".app": true, ".jar": true, ".zip": true, ".xlsx": true, ".xls": true, ".pptx": true, ".ppt": true,
}

// withExtension makes name end with an extension of contentType, so that
// whoever downloads the file opens it with the right program.
func withExtension(name, contentType string) string {
	exts := extensions[contentType]
	if len(exts) == 0 {
		return name
	}
	stem, ext := splitExt(name)
	for _, e := range exts {
		if strings.EqualFold(ext, e) {
			return name
		}
	}
	if ext != "" && !misleading[strings.ToLower(ext)] {
		stem += ext
	}
	return capName(stem, exts[0])
}

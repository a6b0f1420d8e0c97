// Package upload is the one gate every uploaded file passes before it is
// stored: application and portal documents, and advisers' photos. A file is
// the type it claims only when a parser of that type reads it whole: a
// PDF's object structure, a Word document's package, every pixel of a
// photo. Anything that could run (a program, a script, a web page, a PDF
// action) is refused wherever its marker sits in the file. Photos are
// stored re-encoded, so location and other metadata do not survive, and
// names are cleaned before anyone sees them.
//
// Files are read into memory, never onto disk: a temporary file would hold
// a document unencrypted.
package upload

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Content types decided by the parsers.
const (
	TypePDF  = "application/pdf"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
)

// Limits that keep a file from being a bomb for us or for whoever opens it.
const (
	// MaxPixels caps an image's width × height, checked from its header
	// before any pixel is decoded: 60 megapixels is above any phone photo
	// in ordinary use and a few hundred megabytes to decode.
	MaxPixels = 60_000_000
	// MaxNameLength is the longest cleaned file name, in characters,
	// extension included.
	MaxNameLength = 120

	maxDOCXEntries      = 2000
	maxDOCXUncompressed = 100 << 20 // bytes, all parts together
	maxDOCXRatio        = 100       // uncompressed : compressed, whole file
)

// Checked is a file that passed: what to store and how to describe it.
type Checked struct {
	// Name is the cleaned name, ending with the extension of its type.
	Name string
	// ContentType is decided by the parser that read the file, never by
	// its name or by what the browser said.
	ContentType string
	// Content is what to store: the bytes as sent for PDF and Word
	// documents, newly encoded pixels for photos.
	Content []byte
}

// accept is a set of types a caller takes.
type accept uint8

const (
	acceptPDF accept = 1 << iota
	acceptDOCX
	acceptImages

	documents = acceptPDF | acceptDOCX | acceptImages
)

// Check reads a document (PDF, Word document, JPEG or PNG photo) of at most
// maxBytes from r and decides what it is. A file that cannot be accepted
// gives an *Error whose Message tells the person what to do; any other
// error is a failure to read r.
func Check(r io.Reader, name string, maxBytes int64) (Checked, error) {
	return check(r, name, maxBytes, documents)
}

// CheckPhoto is Check for places that take only a photo (JPEG or PNG).
func CheckPhoto(r io.Reader, name string, maxBytes int64) (Checked, error) {
	return check(r, name, maxBytes, acceptImages)
}

func check(r io.Reader, name string, maxBytes int64, acc accept) (Checked, error) {
	name = CleanName(name)
	b, err := readCapped(r, maxBytes)
	if errors.Is(err, errTooLarge) {
		return Checked{}, refuse(TooLarge, fmt.Sprintf("%s is larger than %s. Upload a smaller copy, or split it into parts.", name, sizeWords(maxBytes)), err)
	}
	if err != nil {
		return Checked{}, err
	}
	c, err := decide(b, name, acc)
	if err != nil {
		return Checked{}, err
	}
	c.Name = withExtension(name, c.ContentType)
	return c, nil
}

var errTooLarge = errors.New("over the size limit")

// readCapped reads r whole into memory, but never more than maxBytes+1
// bytes: the one byte past the limit is how an oversized file is told from
// one exactly at it. What is left of r is the caller's to drain or drop.
func readCapped(r io.Reader, maxBytes int64) ([]byte, error) {
	if maxBytes < 0 {
		maxBytes = 0
	}
	var buf bytes.Buffer
	// Grow in steps as the file arrives rather than trusting a declared
	// length: the buffer never exceeds what was actually sent.
	n, err := buf.ReadFrom(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, err
	}
	if n > maxBytes {
		return nil, errTooLarge
	}
	return buf.Bytes(), nil
}

// decide runs the checks in an order where nothing that could run is ever
// stored under a harmless type: active content first, over the whole file;
// then the one parser the file's signature points to, which must read it
// whole.
func decide(b []byte, name string, acc accept) (Checked, error) {
	if len(b) == 0 {
		return Checked{}, refuse(Empty, name+" is empty. Check you chose the right file, then upload it again.", nil)
	}
	if what := findActive(b); what != "" {
		if what == activeProgram {
			return Checked{}, refuse(Program, name+" is a program, not a document, so we cannot accept it. Check you chose the right file: upload the document itself, as "+acceptedWords(acc)+".", errors.New(string(what)))
		}
		return Checked{}, refuse(ActiveContent, name+" contains code that could run when it is opened (such as a script or a web page), so we cannot accept it. "+saveAs(acc), errors.New(string(what)))
	}
	switch {
	case acc&acceptPDF != 0 && bytes.HasPrefix(b, []byte("%PDF-")):
		if err := checkPDF(b, name); err != nil {
			return Checked{}, err
		}
		return Checked{ContentType: TypePDF, Content: b}, nil
	case acc&acceptImages != 0 && bytes.HasPrefix(b, pngSignature):
		out, err := reencodePNG(b, name)
		if err != nil {
			return Checked{}, err
		}
		return Checked{ContentType: TypePNG, Content: out}, nil
	case acc&acceptImages != 0 && bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		out, err := reencodeJPEG(b, name)
		if err != nil {
			return Checked{}, err
		}
		return Checked{ContentType: TypeJPEG, Content: out}, nil
	case acc&acceptDOCX != 0 && bytes.HasPrefix(b, []byte("PK\x03\x04")):
		if err := checkDOCX(b, name); err != nil {
			return Checked{}, err
		}
		return Checked{ContentType: TypeDOCX, Content: b}, nil
	case acc&acceptDOCX != 0 && bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return Checked{}, refuse(OldOffice, name+" is an older Word or Office file. Save it as a Word document (DOCX) or a PDF, then upload it again.", nil)
	}
	if acc&acceptImages != 0 && otherPicture(b) {
		return Checked{}, refuse(NotAccepted, name+" is a kind of picture we cannot open (such as HEIC, GIF or WebP). Save it as a JPEG or PNG, or take a screenshot of it, and try again.", nil)
	}
	return Checked{}, refuse(NotAccepted, name+" is not "+acceptedWords(acc)+" we can open. "+saveAs(acc), nil)
}

// otherPicture recognises picture formats people have but we do not
// decode, so the message can say how to get a JPEG or PNG instead.
func otherPicture(b []byte) bool {
	if len(b) >= 12 && string(b[4:8]) == "ftyp" {
		switch string(b[8:12]) {
		case "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1", "avif":
			return true
		}
	}
	for _, magic := range []string{"GIF87a", "GIF89a", "II*\x00", "MM\x00*", "BM"} {
		if bytes.HasPrefix(b, []byte(magic)) {
			return true
		}
	}
	return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP"
}

func acceptedWords(acc accept) string {
	if acc == acceptImages {
		return "a photo (JPEG or PNG)"
	}
	return "a PDF, Word document (DOCX) or photo (JPEG or PNG)"
}

// saveAs is the way out offered with most refusals.
func saveAs(acc accept) string {
	if acc == acceptImages {
		return "Save the photo as a JPEG or PNG and try again."
	}
	return "Save it as a PDF and try again."
}

func sizeWords(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	if n >= 1<<10 {
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Reason says why a file was refused, in a word fit for logs and metrics
// (it never holds the file's name or content).
type Reason string

// Reasons a file is refused.
const (
	Empty         Reason = "empty"
	TooLarge      Reason = "too_large"
	NotAccepted   Reason = "not_accepted"
	Program       Reason = "program"
	ActiveContent Reason = "active_content"
	Damaged       Reason = "damaged"
	TooManyPixels Reason = "too_many_pixels"
	ZipBomb       Reason = "zip_bomb"
	Macros        Reason = "macros"
	Encrypted     Reason = "encrypted"
	OldOffice     Reason = "old_office"
)

// Error is a refused file: the reason and detail for the log, and a
// message for the person who sent it, naming the file and saying what to
// do. Error() never includes the file's name, which can be personal.
type Error struct {
	Reason  Reason
	message string
	detail  error
}

func refuse(reason Reason, message string, detail error) *Error {
	return &Error{Reason: reason, message: message, detail: detail}
}

// Message is what to tell the person.
func (e *Error) Message() string { return e.message }

func (e *Error) Error() string {
	if e.detail == nil {
		return "upload refused: " + string(e.Reason)
	}
	return "upload refused: " + string(e.Reason) + ": " + e.detail.Error()
}

func (e *Error) Unwrap() error { return e.detail }

package upload

import (
	"archive/zip"
	"bytes"
	"errors"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/go-pdf/fpdf"
)

// FuzzCheck feeds Check anything: it must never panic, every refusal must
// be an *Error with a message, and whatever it accepts must read again as
// the type it was given, by Check and by the standard decoder of that
// type.
//
//	go test ./internal/upload -run '^$' -fuzz FuzzCheck -fuzztime 5m
func FuzzCheck(f *testing.F) {
	seeds := [][]byte{
		fpdfDoc(f, "Outcome letter", nil),
		fpdfDoc(f, "x", func(p *fpdf.Fpdf) { p.SetCompression(false) }),
		simplePDF("Dear trainee", ""),
		objStmPDF("", ""),
		objStmPDF("/OpenAction 5 0 R", "<< /S /JavaScript /JS (x) >>"),
		pngOf(f, 5, 3),
		jpegOf(f, halves(16, 8)),
		withEXIF(jpegOf(f, halves(16, 8)), 6),
		docx(f, "Dear trainee", ""),
		docm(f),
		[]byte("MZ\x90\x00%PDF-1.7"),
		[]byte("<html>%PDF-1.4</html>"),
		[]byte("%PDF-1.7\n1 0 obj << /A [[[[ >> endobj"),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Check(bytes.NewReader(b), "fuzz.bin", 1<<20)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Message() == "" {
				t.Fatalf("refusal %v is not an *Error with a message", err)
			}
			return
		}
		again, err := Check(bytes.NewReader(c.Content), c.Name, 1<<21)
		if err != nil {
			t.Fatalf("accepted as %s, but what is stored is refused: %v", c.ContentType, err)
		}
		if again.ContentType != c.ContentType {
			t.Fatalf("accepted as %s, stored bytes read as %s", c.ContentType, again.ContentType)
		}
		switch c.ContentType {
		case TypePDF:
			if _, err := readPDF(c.Content); err != nil {
				t.Fatalf("stored PDF: %v", err)
			}
		case TypePNG:
			if _, err := png.Decode(bytes.NewReader(c.Content)); err != nil {
				t.Fatalf("stored PNG: %v", err)
			}
		case TypeJPEG:
			if _, err := jpeg.Decode(bytes.NewReader(c.Content)); err != nil {
				t.Fatalf("stored JPEG: %v", err)
			}
		case TypeDOCX:
			if _, err := zip.NewReader(bytes.NewReader(c.Content), int64(len(c.Content))); err != nil {
				t.Fatalf("stored DOCX: %v", err)
			}
		default:
			t.Fatalf("accepted with content type %q", c.ContentType)
		}
	})
}

package application

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Content types of the documents we accept.
const (
	typePDF  = "application/pdf"
	typeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	typeJPEG = "image/jpeg"
	typePNG  = "image/png"
)

// Limits that keep a document from being a decompression bomb for whoever
// opens it later.
const (
	maxDOCXEntries      = 2000
	maxDOCXUncompressed = 100 << 20 // bytes, all parts together
	maxDOCXRatio        = 100       // uncompressed : compressed, whole file
	maxImagePixels      = 60_000_000
)

// fileProblem is why a file was refused, in words for the person who sent
// it (the file name is already in the message).
type fileProblem string

// checkFile works out what a file is from its bytes, not its name, and
// returns its content type, or the reason it cannot be accepted.
func checkFile(name string, b []byte) (string, fileProblem) {
	switch {
	case len(b) == 0:
		return "", fileProblem(name + " is empty. Check you chose the right file.")
	case len(b) > MaxFileSize:
		return "", tooBig(name)
	case bytes.Contains(head(b, 1024), []byte("%PDF-")):
		return typePDF, ""
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return typePNG, checkImage(name, b, png.DecodeConfig)
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return typeJPEG, checkImage(name, b, jpeg.DecodeConfig)
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return typeDOCX, checkDOCX(name, b)
	case bytes.HasPrefix(b, []byte("MZ")), bytes.HasPrefix(b, []byte("\x7fELF")),
		bytes.HasPrefix(b, []byte{0xCF, 0xFA, 0xED, 0xFE}), bytes.HasPrefix(b, []byte("#!")):
		return "", fileProblem(name + " is a program, not a document, so we cannot accept it. Upload a PDF, Word document (DOCX), JPEG or PNG.")
	case bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "", fileProblem(name + " is an older Word or Office file. Save it as a Word document (DOCX) or a PDF, then upload it again.")
	}
	return "", fileProblem(name + " is not a PDF, Word document (DOCX), JPEG or PNG. Save it as one of those, then upload it again.")
}

func tooBig(name string) fileProblem {
	return fileProblem(fmt.Sprintf("%s is larger than %d MB. Upload a smaller copy, or split it into parts.", name, MaxFileSize>>20))
}

func head(b []byte, n int) []byte {
	if len(b) < n {
		return b
	}
	return b[:n]
}

func checkImage(name string, b []byte, decode func(io.Reader) (image.Config, error)) fileProblem {
	c, err := decode(bytes.NewReader(b))
	if err != nil {
		return fileProblem(name + " looks like an image but is damaged. Try taking the photo or screenshot again.")
	}
	if c.Width <= 0 || c.Height <= 0 || c.Width*c.Height > maxImagePixels {
		return fileProblem(name + " is too large an image to accept. Upload a smaller photo or screenshot.")
	}
	return ""
}

// checkDOCX accepts a Word document: a zip holding [Content_Types].xml that
// declares a Word document and word/document.xml, without macros, with no
// part outside the archive, and small enough when unpacked. The unpacked
// size is counted by actually unpacking (headers can lie), within a budget.
func checkDOCX(name string, b []byte) fileProblem {
	damaged := fileProblem(name + " is not a Word document (DOCX), or it is damaged. Save it again as a Word document or a PDF, then upload it.")
	bomb := fileProblem(name + " unpacks to far more data than a real Word document, so we cannot accept it. Save it again as a Word document or a PDF, then upload it.")
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return damaged
	}
	if len(zr.File) > maxDOCXEntries {
		return bomb
	}
	budget := min(int64(maxDOCXUncompressed), int64(len(b))*maxDOCXRatio)
	var declared uint64
	found := map[string]bool{}
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "/") || strings.Contains(f.Name, "..") || strings.Contains(f.Name, "\\") {
			return damaged
		}
		if strings.EqualFold(f.Name, "word/vbaProject.bin") {
			return fileProblem(name + " contains macros. Save it as an ordinary Word document (DOCX) or a PDF, then upload it again.")
		}
		declared += f.UncompressedSize64
		if declared > uint64(budget) {
			return bomb
		}
		found[f.Name] = true
	}
	if !found["[Content_Types].xml"] || !found["word/document.xml"] {
		return damaged
	}
	var unpacked int64
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return damaged
		}
		var buf bytes.Buffer
		w := io.Discard
		if f.Name == "[Content_Types].xml" {
			w = &buf
		}
		n, err := io.Copy(w, io.LimitReader(rc, budget-unpacked+1))
		rc.Close()
		unpacked += n
		if unpacked > budget {
			return bomb
		}
		if err != nil {
			return damaged
		}
		if f.Name == "[Content_Types].xml" && !bytes.Contains(buf.Bytes(), []byte("wordprocessingml.document.main+xml")) {
			if bytes.Contains(buf.Bytes(), []byte("macroEnabled")) {
				return fileProblem(name + " contains macros. Save it as an ordinary Word document (DOCX) or a PDF, then upload it again.")
			}
			return damaged
		}
	}
	return ""
}

// cleanFileName keeps the last element of an uploaded file's name, without
// control characters, for showing back to the person and to advisers.
func cleanFileName(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if s == "" {
		return "Unnamed file"
	}
	return s
}

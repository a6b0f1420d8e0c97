package application

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"github.com/psu-project/psu/internal/upload"
)

// PDF returns a real one-page PDF holding text, as fpdf writes it: tests
// that upload a document need one, since "%PDF-" and some text no longer
// pass for a PDF.
func PDF(t testing.TB, text string) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.AddPage()
	p.SetFont("Helvetica", "", 12)
	p.Cell(40, 10, text)
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// PaddedPDF returns a real one-page PDF of exactly size bytes (at least
// about 600), its content stream padded with spaces, for benchmarks that
// need a document of a given size.
func PaddedPDF(t testing.TB, size int) []byte {
	t.Helper()
	build := func(pad int) []byte {
		content := "BT /F1 12 Tf 72 770 Td (Benchmark) Tj ET" + strings.Repeat(" ", pad)
		var b bytes.Buffer
		offs := []int{0}
		b.WriteString("%PDF-1.4\n")
		for i, o := range []string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
			"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		} {
			offs = append(offs, b.Len())
			fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
		}
		xref := b.Len()
		b.WriteString("xref\n0 6\n0000000000 65535 f \n")
		for _, off := range offs[1:] {
			fmt.Fprintf(&b, "%010d 00000 n \n", off)
		}
		fmt.Fprintf(&b, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", xref)
		return b.Bytes()
	}
	base := len(build(0))
	// The /Length and startxref numbers grow with the padding; settle in
	// a few rounds.
	pad := max(size-base, 0)
	for range 4 {
		if got := len(build(pad)); got != size {
			pad = max(pad+size-got, 0)
		}
	}
	b := build(pad)
	if _, problem := checkFile("padded.pdf", b); problem != "" {
		t.Fatalf("PaddedPDF(%d): %s", size, problem)
	}
	return b
}

func pdfWithScript(t testing.TB) []byte {
	p := fpdf.New("P", "mm", "A4", "")
	p.AddPage()
	p.SetJavascript("app.launchURL('https://example.com/');")
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngBytes(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{200, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func jpegBytes(t testing.TB) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipOf builds a zip with the given entries, in order.
func zipOf(t testing.TB, entries ...[2]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		w, err := zw.Create(e[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const contentTypesXML = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`

// DOCX returns a minimal Word document holding text.
func DOCX(t testing.TB, text string) []byte {
	return zipOf(t, [2]string{"[Content_Types].xml", contentTypesXML},
		[2]string{"_rels/.rels", `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>`},
		[2]string{"word/document.xml", `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>` + text + `</w:t></w:r></w:p></w:body></w:document>`})
}

// zipBomb is a DOCX-shaped zip whose one extra part unpacks to size bytes
// of zeros (a few kilobytes packed).
func zipBomb(t testing.TB, size int) []byte {
	return zipOf(t, [2]string{"[Content_Types].xml", contentTypesXML}, [2]string{"word/document.xml", "<w:document/>"},
		[2]string{"word/media/zeros.bin", strings.Repeat("\x00", size)})
}

// lyingZipBomb claims its big part is small in the headers.
func lyingZipBomb(t testing.TB, size int) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range [][2]string{{"[Content_Types].xml", contentTypesXML}, {"word/document.xml", "<w:document/>"}} {
		w, _ := zw.Create(e[0])
		w.Write([]byte(e[1]))
	}
	// Compress the zeros ourselves, then write them raw under a header
	// that declares 10 bytes.
	var raw bytes.Buffer
	inner := zip.NewWriter(&raw)
	iw, _ := inner.CreateHeader(&zip.FileHeader{Name: "z", Method: zip.Deflate})
	iw.Write(make([]byte, size))
	inner.Close()
	zr, err := zip.NewReader(bytes.NewReader(raw.Bytes()), int64(raw.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rc, _ := zr.File[0].OpenRaw()
	var compressed bytes.Buffer
	compressed.ReadFrom(rc)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "word/media/small.bin", Method: zip.Deflate,
		CRC32: zr.File[0].CRC32, CompressedSize64: uint64(compressed.Len()), UncompressedSize64: 10})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(compressed.Bytes())
	zw.Close()
	return b.Bytes()
}

func TestFilesAreCheckedByContent(t *testing.T) {
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 200)...)
	tests := []struct {
		name     string
		file     string
		content  []byte
		wantType string
		problem  string // part of the message, "" when accepted
	}{
		{"pdf", "report.pdf", PDF(t, "ARCP outcome"), typePDF, ""},
		{"pdf named as a picture", "scan.png", PDF(t, "scan"), typePDF, ""},
		{"png", "photo.png", pngBytes(t, 20, 10), typePNG, ""},
		{"jpeg", "photo.jpg", jpegBytes(t), typeJPEG, ""},
		{"docx", "letter.docx", DOCX(t, "Dear trainee"), typeDOCX, ""},
		{"renamed windows program", "ARCP outcome.pdf", exe, "", "is a program"},
		{"renamed linux program", "letter.docx", []byte("\x7fELF\x02\x01\x01" + strings.Repeat("\x00", 50)), "", "is a program"},
		{"script", "notes.pdf", []byte("#!/bin/sh\nrm -rf /\n"), "", "is a program"},
		// The old check took "%PDF-" anywhere in the first KiB for a PDF,
		// before looking for programs and web pages.
		{"windows program with a pdf marker", "ARCP outcome.pdf", append(exe[:16:16], "%PDF-1.7\n"...), "", "is a program"},
		{"web page with a pdf marker", "letter.pdf", []byte("<html><body>%PDF-1.4<script>steal()</script></body></html>"), "", "could run when it is opened"},
		{"pdf marker and some text", "notes.pdf", []byte("%PDF-1.7\nnot really a PDF\n%%EOF\n"), "", "is not a PDF we can open, or it is damaged"},
		{"pdf with a script", "form.pdf", pdfWithScript(t), "", "contains code or attached files that could run"},
		{"zip bomb", "results.docx", zipBomb(t, 60<<20), "", "unpacks to far more"},
		// Headers that understate a part are caught while unpacking.
		{"zip bomb with lying headers", "results.docx", lyingZipBomb(t, 30<<20), "", "or it is damaged"},
		{"zip that is not a document", "archive.docx", zipOf(t, [2]string{"a.txt", "hello"}), "", "not a Word document"},
		{"macros", "macro.docx", zipOf(t, [2]string{"[Content_Types].xml", contentTypesXML}, [2]string{"word/document.xml", "<w:document/>"}, [2]string{"word/vbaProject.bin", "x"}), "", "macros"},
		{"path outside the archive", "evil.docx", zipOf(t, [2]string{"[Content_Types].xml", contentTypesXML}, [2]string{"word/document.xml", "<w:document/>"}, [2]string{"../../etc/cron.d/x", "x"}), "", "not a Word document"},
		{"truncated docx", "cut.docx", DOCX(t, "x")[:100], "", "not a Word document"},
		{"old word file", "old.doc", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, "", "older Word"},
		{"text file", "notes.pdf", []byte("just some text"), "", "is not a PDF, Word document (DOCX) or photo (JPEG or PNG) we can open"},
		{"empty", "empty.pdf", nil, "", "is empty"},
		{"damaged png", "broken.png", []byte("\x89PNG\r\n\x1a\nrubbish"), "", "damaged"},
		{"truncated png", "cut.png", pngBytes(t, 20, 10)[:60], "", "damaged"},
		{"huge image", "huge.png", pngBytes(t, 10000, 7000), "", "too large an image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, problem := checkFile(tt.file, tt.content)
			if tt.problem == "" {
				if problem != "" || c.ContentType != tt.wantType {
					t.Fatalf("refused (%q) or wrong type %q, want %q", problem, c.ContentType, tt.wantType)
				}
				return
			}
			if !strings.Contains(string(problem), tt.problem) || !strings.HasPrefix(string(problem), tt.file) {
				t.Fatalf("problem %q, want it to name %q and say %q", problem, tt.file, tt.problem)
			}
		})
	}
}

// multipartUpload is a request as the documents form posts it, the file
// part first when fileFirst is set.
func multipartUpload(t *testing.T, kind, name string, content []byte, fileFirst bool) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	writeKind := func() { mw.WriteField("kind", kind) }
	if !fileFirst {
		writeKind()
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	if fileFirst {
		writeKind()
	}
	mw.Close()
	r := httptest.NewRequest(http.MethodPost, "/apply/documents", &b)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	return r
}

func TestReadUploadChecksWhileReading(t *testing.T) {
	// A photo with a comment naming a place: what is kept is the pixels.
	jpg := jpegBytes(t)
	tagged := append(append(append([]byte{}, jpg[:2]...), "\xff\xfe\x00\x15GPS 51.5074 -0.1278"...), jpg[2:]...)
	if !bytes.Contains(tagged, []byte("51.5074")) {
		t.Fatal("test photo carries no comment")
	}
	long := strings.Repeat("x", 5000) + ".jpg"
	u, err := readUpload(multipartUpload(t, "other", long, tagged, false))
	if err != nil || !u.chosen || u.problem != "" || u.kind != "other" {
		t.Fatalf("%+v, %v", u, err)
	}
	if u.file.ContentType != typeJPEG || bytes.Contains(u.file.Content, []byte("51.5074")) {
		t.Errorf("stored %s still holds the comment, or is not a JPEG", u.file.ContentType)
	}
	if u.file.Name != strings.Repeat("x", 116)+".jpg" {
		t.Errorf("name %q", u.file.Name)
	}

	// Too large: refused by what was read, the rest drained, and the
	// field after it still read.
	big := append(PDF(t, "x"), bytes.Repeat([]byte(" "), MaxFileSize)...)
	u, err = readUpload(multipartUpload(t, "arcp", "scan.pdf", big, true))
	if err != nil || u.kind != "arcp" || !strings.Contains(u.problem, "scan.pdf is larger than 10 MB") || u.reason != upload.TooLarge {
		t.Fatalf("%+v, %v", u, err)
	}

	// A program is refused and its reason kept for the log.
	u, err = readUpload(multipartUpload(t, "arcp", "ARCP.pdf", append([]byte("MZ\x90\x00"), PDF(t, "x")...), false))
	if err != nil || u.reason != upload.Program || !strings.HasPrefix(u.problem, "ARCP.pdf is a program") {
		t.Fatalf("%+v, %v", u, err)
	}
}

func TestPaddedPDF(t *testing.T) {
	for _, n := range []int{1000, 1 << 20, 5<<20 + 3} {
		if b := PaddedPDF(t, n); len(b) != n {
			t.Errorf("PaddedPDF(%d) is %d bytes", n, len(b))
		}
	}
}

func TestZipBombIsRefusedQuickly(t *testing.T) {
	bomb := zipBomb(t, 200<<20)
	if len(bomb) > MaxFileSize {
		t.Fatalf("test bomb is %d bytes", len(bomb))
	}
	if _, problem := checkFile("bomb.docx", bomb); !strings.Contains(string(problem), "unpacks") {
		t.Fatalf("problem %q", problem)
	}
}

// The name stored is cleaned, capped and says what the file is.
func TestStoredNames(t *testing.T) {
	for in, want := range map[string]string{
		"report.pdf":                       "report.pdf",
		"../../etc/passwd":                 "passwd.pdf",
		`C:\Users\me\ARCP.pdf`:             "ARCP.pdf",
		"bad\x00name\r\n.pdf":              "badname.pdf",
		"   ":                              "Unnamed file.pdf",
		"Zoë’s letter (final).docx":        "Zoë’s letter (final).pdf",
		"invoice\u202Efdp.exe":             "invoicefdp.pdf",
		strings.Repeat("A", 5000) + ".pdf": strings.Repeat("A", 116) + ".pdf",
	} {
		c, problem := checkFile(in, PDF(t, "x"))
		if problem != "" {
			t.Fatal(problem)
		}
		if c.Name != want {
			t.Errorf("%q stored as %q, want %q", in, c.Name, want)
		}
	}
}

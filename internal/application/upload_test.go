package application

import (
	"archive/zip"
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

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
		{"pdf", "report.pdf", []byte("%PDF-1.7\n1 0 obj\n%%EOF\n"), typePDF, ""},
		{"pdf named as a picture", "scan.png", []byte("%PDF-1.4\n%%EOF"), typePDF, ""},
		{"png", "photo.png", pngBytes(t, 20, 10), typePNG, ""},
		{"jpeg", "photo.jpg", jpegBytes(t), typeJPEG, ""},
		{"docx", "letter.docx", DOCX(t, "Dear trainee"), typeDOCX, ""},
		{"renamed windows program", "ARCP outcome.pdf", exe, "", "is a program"},
		{"renamed linux program", "letter.docx", []byte("\x7fELF\x02\x01\x01" + strings.Repeat("\x00", 50)), "", "is a program"},
		{"script", "notes.pdf", []byte("#!/bin/sh\nrm -rf /\n"), "", "is a program"},
		{"zip bomb", "results.docx", zipBomb(t, 60<<20), "", "unpacks to far more"},
		// Headers that understate a part are caught while unpacking.
		{"zip bomb with lying headers", "results.docx", lyingZipBomb(t, 30<<20), "", "or it is damaged"},
		{"zip that is not a document", "archive.docx", zipOf(t, [2]string{"a.txt", "hello"}), "", "not a Word document"},
		{"macros", "macro.docx", zipOf(t, [2]string{"[Content_Types].xml", contentTypesXML}, [2]string{"word/document.xml", "<w:document/>"}, [2]string{"word/vbaProject.bin", "x"}), "", "macros"},
		{"path outside the archive", "evil.docx", zipOf(t, [2]string{"[Content_Types].xml", contentTypesXML}, [2]string{"word/document.xml", "<w:document/>"}, [2]string{"../../etc/cron.d/x", "x"}), "", "not a Word document"},
		{"truncated docx", "cut.docx", DOCX(t, "x")[:100], "", "not a Word document"},
		{"old word file", "old.doc", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, "", "older Word"},
		{"text file", "notes.pdf", []byte("just some text"), "", "is not a PDF, Word document (DOCX), JPEG or PNG"},
		{"empty", "empty.pdf", nil, "", "is empty"},
		{"damaged png", "broken.png", []byte("\x89PNG\r\n\x1a\nrubbish"), "", "damaged"},
		{"huge image", "huge.png", pngBytes(t, 10000, 7000), "", "too large an image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ, problem := checkFile(tt.file, tt.content)
			if tt.problem == "" {
				if problem != "" || typ != tt.wantType {
					t.Fatalf("refused (%q) or wrong type %q, want %q", problem, typ, tt.wantType)
				}
				return
			}
			if !strings.Contains(string(problem), tt.problem) || !strings.HasPrefix(string(problem), tt.file) {
				t.Fatalf("problem %q, want it to name %q and say %q", problem, tt.file, tt.problem)
			}
		})
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

func TestCleanFileName(t *testing.T) {
	for in, want := range map[string]string{
		"report.pdf":                "report.pdf",
		"../../etc/passwd":          "passwd",
		`C:\Users\me\ARCP.pdf`:      "ARCP.pdf",
		"bad\x00name\r\n.pdf":       "badname.pdf",
		"   ":                       "Unnamed file",
		"Zoë’s letter (final).docx": "Zoë’s letter (final).docx",
	} {
		if got := cleanFileName(in); got != want {
			t.Errorf("cleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

package upload

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
)

var fixedTime = time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)

const limit = 10 << 20

// refused checks b is refused for reason, with a message that names the
// file and says what to do, and an Error() that does not name it.
func refused(t *testing.T, b []byte, name string, reason Reason) *Error {
	t.Helper()
	c, err := Check(bytes.NewReader(b), name, limit)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("accepted as %s (err %v), want refused as %s", c.ContentType, err, reason)
	}
	if e.Reason != reason {
		t.Fatalf("refused as %s (%v), want %s", e.Reason, e, reason)
	}
	clean := CleanName(name)
	if !strings.HasPrefix(e.Message(), clean+" ") || !strings.HasSuffix(e.Message(), ".") {
		t.Errorf("message %q does not start with the file's name %q or is not a sentence", e.Message(), clean)
	}
	if strings.Contains(e.Error(), clean) {
		t.Errorf("Error() %q holds the file's name", e.Error())
	}
	return e
}

func accepted(t *testing.T, b []byte, name, contentType string) Checked {
	t.Helper()
	c, err := Check(bytes.NewReader(b), name, limit)
	if err != nil {
		t.Fatalf("refused: %v", err)
	}
	if c.ContentType != contentType {
		t.Fatalf("content type %s, want %s", c.ContentType, contentType)
	}
	return c
}

// A program or a web page that carries a PDF marker near its start used to
// be stored as a PDF: the marker no longer decides anything.
func TestProgramsAndPagesWithAPDFMarkerAreRefused(t *testing.T) {
	pe := make([]byte, 4096)
	copy(pe, "MZ\x90\x00")
	copy(pe[0x3C:], []byte{0x80, 0, 0, 0})
	copy(pe[0x80:], "PE\x00\x00")
	copy(pe[0x200:], "%PDF-1.7\n1 0 obj\n%%EOF\n")
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 300)...)
	copy(elf[100:], "%PDF-1.4\n")
	real := fpdfDoc(t, "ARCP outcome", nil)
	for _, tt := range []struct {
		name    string
		content []byte
		reason  Reason
	}{
		{"windows program", pe, Program},
		{"linux program", elf, Program},
		{"mach-o program", append([]byte{0xCF, 0xFA, 0xED, 0xFE, 7, 0, 0, 1, 3, 0, 0, 0, 2, 0, 0, 0}, "%PDF-1.7"...), Program},
		{"shell script", []byte("#!/bin/sh\n# %PDF-1.7\nrm -rf ~\n"), Program},
		{"html page", []byte("<!DOCTYPE html>\n<html><body>%PDF-1.4 <script>alert(1)</script></body></html>"), ActiveContent},
		{"html page, marker first", []byte("%PDF-1.4\n<html><body>hello</body></html>"), ActiveContent},
		{"svg", []byte("%PDF-1.7\n<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"x()\"/>"), ActiveContent},
		// Deep inside a PDF that is otherwise real, far past the first KiB.
		{"pdf with a windows program appended", append(append(real[:len(real):len(real)], bytes.Repeat([]byte("\n"), 5000)...), pe...), Program},
		{"pdf with a script appended", append(append(real[:len(real):len(real)], bytes.Repeat([]byte(" "), 5000)...), "<SCRIPT>fetch('//x')</SCRIPT>"...), ActiveContent},
		{"pdf with a javascript: link", simplePDF("Click", "/OpenAction << /S /URI /URI (javascript:alert(1)) >>"), ActiveContent},
		{"pdf with a script line inside", append(append(real[:len(real):len(real)], bytes.Repeat([]byte("\n"), 3000)...), "#!/usr/bin/python3\nimport os\n"...), Program},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := refused(t, tt.content, "ARCP outcome.pdf", tt.reason)
			if tt.reason == Program && !strings.Contains(e.Message(), "is a program, not a document") {
				t.Errorf("message %q", e.Message())
			}
		})
	}
}

func TestRealPDFsAreAccepted(t *testing.T) {
	for _, tt := range []struct {
		name    string
		content []byte
	}{
		{"fpdf, compressed", fpdfDoc(t, "Outcome letter", nil)},
		{"fpdf, uncompressed", fpdfDoc(t, "Outcome letter", func(p *fpdf.Fpdf) { p.SetCompression(false) })},
		{"fpdf, several pages and a link", fpdfDoc(t, "Outcome letter", func(p *fpdf.Fpdf) {
			p.LinkString(10, 10, 30, 10, "https://www.nhs.uk/")
			p.AddPage()
			p.AddPage()
		})},
		{"hand-made, classic table", simplePDF("Dear trainee", "")},
		{"object and cross-reference streams", objStmPDF("", "")},
		{"pdf 2.0", bytes.Replace(simplePDF("Dear trainee", ""), []byte("%PDF-1.4"), []byte("%PDF-2.0"), 1)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := accepted(t, tt.content, "letter.pdf", TypePDF)
			if !bytes.Equal(c.Content, tt.content) {
				t.Error("a PDF is stored as sent, but the content changed")
			}
			if c.Name != "letter.pdf" {
				t.Errorf("name %q", c.Name)
			}
		})
	}
}

func TestPDFsThatRunCodeOrCarryFilesAreRefused(t *testing.T) {
	hidden := objStmPDF("/OpenAction 5 0 R", "<< /S /JavaScript /JS (app.alert\\(1\\)) >>")
	if bytes.Contains(hidden, []byte("JavaScript")) {
		t.Fatal("the test file's script is not hidden in the compressed stream")
	}
	for _, tt := range []struct {
		name    string
		content []byte
	}{
		{"fpdf javascript", fpdfDoc(t, "x", func(p *fpdf.Fpdf) { p.SetJavascript("app.alert('hello');") })},
		{"fpdf attachment", fpdfDoc(t, "x", func(p *fpdf.Fpdf) {
			p.SetAttachments([]fpdf.Attachment{{Content: []byte("MZ"), Filename: "setup.exe"}})
		})},
		{"open action script", simplePDF("x", "/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>")},
		{"script name spelled with escapes", simplePDF("x", "/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>")},
		{"launch action", simplePDF("x", "/OpenAction << /S /Launch /F (cmd.exe) >>")},
		{"embedded file", simplePDF("x", "/Names << /EmbeddedFiles << /Names [(a.exe) << /Type /Filespec /EF << /F 9 0 R >> >>] >> >>")},
		{"xfa form", simplePDF("x", "/AcroForm << /Fields [] /XFA 9 0 R >>")},
		{"script compressed in an object stream", hidden},
		{"script name inside stream data", simplePDFWithStream("q Q % /J#61vaScript (app.alert\\(1\\))")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			refused(t, tt.content, "letter.pdf", ActiveContent)
		})
	}
}

func TestPDFsMustHaveAReadableStructure(t *testing.T) {
	real := simplePDF("Dear trainee", "")
	deep := newPDF("1.7")
	deep.obj(1, "<< /Type /Catalog /Pages 2 0 R /Deep "+strings.Repeat("[", 200_000)+strings.Repeat("]", 200_000)+" >>")
	deep.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	deep.obj(3, "<< /Type /Page /Parent 2 0 R >>")
	noPages := newPDF("1.4")
	noPages.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	noPages.obj(2, "<< /Type /Pages /Kids [] /Count 0 >>")
	loop := newPDF("1.4")
	loop.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	loop.obj(2, "<< /Type /Pages /Kids [2 0 R] /Count 1 >>")
	junk := bytes.Replace(real, []byte("endobj\n2 0 obj"), []byte("endobj\n<html>hidden</html>\n2 0 obj"), 1)
	junk2 := bytes.Replace(real, []byte("endobj\n2 0 obj"), []byte("endobj\nrm -rf /\n2 0 obj"), 1)
	wrongStart := bytes.Replace(real, []byte("startxref\n"), []byte("startxref\n1"), 1)
	for _, tt := range []struct {
		name    string
		content []byte
		reason  Reason
	}{
		{"header only", []byte("%PDF-1.7\n"), Damaged},
		{"header and text", []byte("%PDF-1.7\nThis is not really a PDF\n%%EOF\n"), Damaged},
		{"header not at the start", append([]byte("junk\n"), real...), NotAccepted},
		{"truncated", real[:len(real)-40], Damaged},
		{"cut in half", real[:len(real)/2], Damaged},
		{"something between objects", junk2, Damaged},
		{"html between objects", junk, ActiveContent},
		{"startxref pointing nowhere", wrongStart, Damaged},
		{"cross-reference entry pointing into a stream", smuggledPDF(), Damaged},
		{"nested 200,000 deep", deep.table(4, "/Root 1 0 R"), Damaged},
		{"no pages", noPages.table(3, "/Root 1 0 R"), Damaged},
		{"page tree in a circle", loop.table(3, "/Root 1 0 R"), Damaged},
		{"no catalogue", simplePDFWithTrailer(""), Damaged},
		{"password", fpdfDoc(t, "secret", func(p *fpdf.Fpdf) { p.SetProtection(0, "user", "owner") }), Encrypted},
	} {
		t.Run(tt.name, func(t *testing.T) {
			refused(t, tt.content, "letter.pdf", tt.reason)
		})
	}
}

// simplePDFWithStream is a one-page PDF whose content stream holds data.
func simplePDFWithStream(data string) []byte {
	w := newPDF("1.4")
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	w.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	w.obj(3, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>")
	w.stream(4, "", []byte(data))
	return w.table(5, "/Root 1 0 R")
}

// smuggledPDF hides an object with a short script name inside a stream's
// data, where only a parser following the cross-reference table (as a
// viewer does) would find it, and points the catalogue's open action and
// the table's entry at it.
func smuggledPDF() []byte {
	w := newPDF("1.4")
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R >>")
	w.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	w.obj(3, "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>")
	data, hidden := "q Q\n", "5 0 obj << /S /J#53 /J#53 (x) >> endobj\n"
	w.offs[4] = w.b.Len()
	fmt.Fprintf(&w.b, "4 0 obj\n<< /Length %d >>\nstream\n%s", len(data)+len(hidden), data)
	w.offs[5] = w.b.Len()
	w.b.WriteString(hidden)
	w.b.WriteString("\nendstream\nendobj\n")
	return w.table(6, "/Root 1 0 R")
}

func simplePDFWithTrailer(trailer string) []byte {
	w := newPDF("1.4")
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	w.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	w.obj(3, "<< /Type /Page /Parent 2 0 R >>")
	return w.table(4, trailer)
}

func TestPhotosAreDecodedWhole(t *testing.T) {
	good := pngOf(t, 40, 30)
	trailing := append(append([]byte{}, good...), "\n<script>document.location='//x'</script>"...)
	refused(t, trailing, "photo.png", ActiveContent)
	for _, cut := range []int{len(good) - 5, len(good) - 20, len(good) / 2, 40} {
		refused(t, good[:cut], "photo.png", Damaged)
	}
	// A changed byte inside the pixel data breaks its checksum.
	flipped := append([]byte{}, good...)
	flipped[len(flipped)-30] ^= 0xFF
	refused(t, flipped, "photo.png", Damaged)
	refused(t, []byte("\x89PNG\r\n\x1a\nrubbish"), "photo.png", Damaged)

	start := time.Now()
	e := refused(t, pngClaiming(100_000, 100_000), "huge.png", TooManyPixels)
	if !strings.Contains(e.Message(), "too large an image") {
		t.Errorf("message %q", e.Message())
	}
	if time.Since(start) > time.Second {
		t.Errorf("a 10-gigapixel header took %v to refuse: was it decoded?", time.Since(start))
	}

	jpg := jpegOf(t, halves(32, 16))
	refused(t, jpg[:len(jpg)/2], "photo.jpg", Damaged)
	refused(t, jpg[:len(jpg)-2], "photo.jpg", Damaged) // no end marker

	c := accepted(t, good, "photo.png", TypePNG)
	img, err := png.Decode(bytes.NewReader(c.Content))
	if err != nil || img.Bounds().Dx() != 40 || img.Bounds().Dy() != 30 {
		t.Fatalf("stored PNG: %v, %v", err, img.Bounds())
	}
}

func TestPhotosLoseTheirLocation(t *testing.T) {
	plain := jpegOf(t, halves(32, 16))
	tagged := withEXIF(plain, 1)
	if _, err := jpeg.Decode(bytes.NewReader(tagged)); err != nil {
		t.Fatalf("the test photo is not a JPEG: %v", err)
	}
	if !bytes.Contains(tagged, gpsLatitude) || !bytes.Contains(tagged, []byte("PSUCAM1")) {
		t.Fatal("the test photo does not carry its location")
	}
	c := accepted(t, tagged, "IMG_2041.JPG", TypeJPEG)
	for _, leak := range [][]byte{gpsLatitude, []byte("Exif"), []byte("PSUCAM1")} {
		if bytes.Contains(c.Content, leak) {
			t.Errorf("stored photo still holds %q", leak)
		}
	}
	if hasSegment(c.Content, 0xE1) {
		t.Error("stored photo still has an APP1 (EXIF) segment")
	}
	img, err := jpeg.Decode(bytes.NewReader(c.Content))
	if err != nil || img.Bounds() != image.Rect(0, 0, 32, 16) {
		t.Fatalf("stored photo: %v %v", err, img.Bounds())
	}
	if c.Name != "IMG_2041.JPG" {
		t.Errorf("name %q", c.Name)
	}

	// PNG text chunks go too.
	good := pngOf(t, 8, 8)
	withText := append(append([]byte{}, good[:33]...), pngChunk("tEXt", []byte("GPS\x0051.5074,-0.1278"))...)
	withText = append(withText, good[33:]...)
	c = accepted(t, withText, "map.png", TypePNG)
	if bytes.Contains(c.Content, []byte("51.5074")) {
		t.Error("stored PNG still holds its text chunk")
	}
}

// hasSegment reports whether a JPEG has a marker segment before its scan.
func hasSegment(b []byte, marker byte) bool {
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; {
		if b[i+1] == marker {
			return true
		}
		if b[i+1] == 0xDA {
			return false
		}
		i += 2 + int(b[i+2])<<8 | int(b[i+3])
	}
	return false
}

func TestPhotosComeOutUpright(t *testing.T) {
	// Stored sideways: black on the left. Orientation 6 says turn it
	// clockwise to view, which puts black on top; 8 (anticlockwise) puts
	// it at the bottom; 3 (upside down) on the right.
	stored := jpegOf(t, halves(64, 32))
	for _, tt := range []struct {
		orientation      uint16
		w, h             int
		dark, light      image.Point
		name             string
		throughConverter bool
	}{
		{1, 64, 32, image.Pt(8, 16), image.Pt(56, 16), "as stored", false},
		{6, 32, 64, image.Pt(16, 8), image.Pt(16, 56), "turn clockwise", false},
		{8, 32, 64, image.Pt(16, 56), image.Pt(16, 8), "turn anticlockwise", false},
		{3, 64, 32, image.Pt(56, 16), image.Pt(8, 16), "upside down", false},
		{2, 64, 32, image.Pt(56, 16), image.Pt(8, 16), "mirrored", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := accepted(t, withEXIF(stored, tt.orientation), "photo.jpg", TypeJPEG)
			img, err := jpeg.Decode(bytes.NewReader(c.Content))
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds() != image.Rect(0, 0, tt.w, tt.h) {
				t.Fatalf("bounds %v, want %dx%d", img.Bounds(), tt.w, tt.h)
			}
			if y := luma(img, tt.dark); y > 60 {
				t.Errorf("pixel %v is %d, want dark", tt.dark, y)
			}
			if y := luma(img, tt.light); y < 200 {
				t.Errorf("pixel %v is %d, want light", tt.light, y)
			}
		})
	}
}

func luma(img image.Image, p image.Point) uint32 {
	r, g, b, _ := img.At(p.X, p.Y).RGBA()
	return (r + g + b) / 3 >> 8
}

func TestOrientTurnsEveryPlane(t *testing.T) {
	// A YCbCr 4:2:2 picture turned on its side must come out 4:4:0 with
	// every sample where it belongs; compare with the slow way.
	src := image.NewYCbCr(image.Rect(0, 0, 6, 4), image.YCbCrSubsampleRatio422)
	for i := range src.Y {
		src.Y[i] = uint8(i * 9)
	}
	for i := range src.Cb {
		src.Cb[i], src.Cr[i] = uint8(i*20), uint8(255-i*20)
	}
	for o := 2; o <= 8; o++ {
		got := orient(src, o)
		at := upright(o, 6, 4)
		w, h := turned(o, 6, 4)
		if got.Bounds() != image.Rect(0, 0, w, h) {
			t.Fatalf("orientation %d: bounds %v", o, got.Bounds())
		}
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				sx, sy := at(x, y)
				if got.At(x, y) != src.At(sx, sy) {
					t.Fatalf("orientation %d: pixel %d,%d is %v, want %v", o, x, y, got.At(x, y), src.At(sx, sy))
				}
			}
		}
	}
}

func TestWordDocuments(t *testing.T) {
	c := accepted(t, docx(t, "Dear trainee", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://www.nhs.uk/" TargetMode="External"/></Relationships>`), "letter.docx", TypeDOCX)
	if c.Name != "letter.docx" {
		t.Errorf("name %q", c.Name)
	}
	e := refused(t, docm(t), "letter.docm", Macros)
	if !strings.Contains(e.Message(), "macros") {
		t.Errorf("message %q", e.Message())
	}
	vbaOnly := zipOf(t, [2]string{"[Content_Types].xml", contentTypesXML}, [2]string{"word/document.xml", documentXML("x")}, [2]string{"word/vbaProject.bin", "x"})
	refused(t, vbaOnly, "letter.docx", Macros)
	for _, tt := range []struct {
		name    string
		content []byte
		reason  Reason
	}{
		{"remote template", docx(t, "x", externalRels("attachedTemplate", "https://evil.example/t.dotm")), ActiveContent},
		{"remote ole object", docx(t, "x", externalRels("oleObject", "mhtml:https://evil.example/x.html!x-usc:https://evil.example/x.html")), ActiveContent},
		{"script link", docx(t, "x", externalRels("hyperlink", "javascript:alert(1)")), ActiveContent},
		{"program inside", zipOf(t, [2]string{"[Content_Types].xml", contentTypesXML}, [2]string{"word/document.xml", documentXML("x")}, [2]string{"word/media/image1.png", "MZ\x90\x00 program"}), ActiveContent},
		{"html inside", zipOf(t, [2]string{"[Content_Types].xml", contentTypesXML}, [2]string{"word/document.xml", documentXML("x")}, [2]string{"word/afchunk.htm", "<html><script>x()</script></html>"}), ActiveContent},
		{"ole embedding", zipOf(t, [2]string{"[Content_Types].xml", contentTypesXML}, [2]string{"word/document.xml", documentXML("x")}, [2]string{"word/embeddings/oleObject1.bin", "\xd0\xcf\x11\xe0"}), ActiveContent},
		{"zip bomb", zipBomb(t, 60<<20), ZipBomb},
		{"not a document", zipOf(t, [2]string{"a.txt", "hello"}), Damaged},
		{"path outside the package", zipOf(t, [2]string{"[Content_Types].xml", contentTypesXML}, [2]string{"word/document.xml", documentXML("x")}, [2]string{"../../etc/cron.d/x", "x"}), Damaged},
		{"duplicate part", zipOf(t, [2]string{"[Content_Types].xml", contentTypesXML}, [2]string{"word/document.xml", documentXML("x")}, [2]string{"word/document.xml", documentXML("y")}), Damaged},
		{"broken xml", zipOf(t, [2]string{"[Content_Types].xml", contentTypesXML}, [2]string{"word/document.xml", "<w:document><w:body>"}), Damaged},
		{"not declared", zipOf(t, [2]string{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`}, [2]string{"word/document.xml", documentXML("x")}), Damaged},
		{"truncated", docx(t, "x", "")[:200], Damaged},
		{"old word", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, OldOffice},
	} {
		t.Run(tt.name, func(t *testing.T) {
			refused(t, tt.content, "letter.docx", tt.reason)
		})
	}
}

func TestZipBombIsRefusedQuickly(t *testing.T) {
	bomb := zipBomb(t, 200<<20)
	if len(bomb) > limit {
		t.Fatalf("test bomb is %d bytes", len(bomb))
	}
	start := time.Now()
	refused(t, bomb, "bomb.docx", ZipBomb)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestNames(t *testing.T) {
	long := strings.Repeat("Outcome letter ", 334)[:5000] + ".pdf"
	for _, tt := range []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\me\ARCP.pdf`, "ARCP.pdf"},
		{"bad\x00name\r\n.pdf", "badname.pdf"},
		{"   ", "Unnamed file"},
		{"Zoë’s letter (final).docx", "Zoë’s letter (final).docx"},
		{"Zoe\u0308.pdf", "Zo\u00eb.pdf"},          // NFC
		{"invoice\u202Efdp.exe", "invoicefdp.exe"}, // right-to-left override
		{"a\u200Bb\uFEFFc\u2066d.pdf", "abcd.pdf"}, // zero-width and isolate characters
		{"What? <Me>: \"yes\"|*.pdf", "What Me yes.pdf"},
		{"lots   of\t\tspace\u00a0\u3000here.pdf", "lots of space here.pdf"},
		{".htaccess", "htaccess"},
		{"CON.pdf", "_CON.pdf"},
		{"lpt1", "_lpt1"},
		{"trailing dots... .pdf", "trailing dots.pdf"},
		{"\ue000private.pdf", "private.pdf"},
	} {
		if got := CleanName(tt.in); got != tt.want {
			t.Errorf("CleanName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	got := CleanName(long)
	if n := utf8.RuneCountInString(got); n != MaxNameLength || !strings.HasSuffix(got, ".pdf") || !strings.HasPrefix(got, "Outcome letter Outcome") {
		t.Errorf("5,004-character name became %q (%d characters)", got, n)
	}
	if strings.HasSuffix(got, " .pdf") {
		t.Errorf("cut name %q keeps a space before its extension", got)
	}
	// Characters outside ASCII count as one each, and are not cut in half.
	wide := CleanName(strings.Repeat("é", 300) + ".docx")
	if !utf8.ValidString(wide) || utf8.RuneCountInString(wide) != MaxNameLength {
		t.Errorf("%q", wide)
	}

	// The stored name says what the file is.
	pdf := simplePDF("x", "")
	for in, want := range map[string]string{
		"scan.png":      "scan.pdf",
		"letter":        "letter.pdf",
		"ARCP 2024.25":  "ARCP 2024.25.pdf",
		"evil.pdf.exe":  "evil.pdf.pdf",
		"Scan.PDF":      "Scan.PDF",
		long:            got,
		"Unnamed file ": "Unnamed file.pdf",
	} {
		if c := accepted(t, pdf, in, TypePDF); c.Name != want {
			t.Errorf("%q stored as %q, want %q", in, c.Name, want)
		}
	}
}

// countingReader counts what is read from it, and never ends.
type countingReader struct{ n int64 }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'A'
	}
	r.n += int64(len(p))
	return len(p), nil
}

func TestReadingStopsAtTheCap(t *testing.T) {
	r := &countingReader{}
	_, err := Check(r, "endless.pdf", 1<<20)
	var e *Error
	if !errors.As(err, &e) || e.Reason != TooLarge {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(e.Message(), "endless.pdf is larger than 1 MB") {
		t.Errorf("message %q", e.Message())
	}
	if r.n > 1<<20+1 {
		t.Errorf("read %d bytes for a cap of %d", r.n, 1<<20)
	}
	// Exactly at the cap is fine.
	pdf := simplePDF("x", "")
	if _, err := Check(bytes.NewReader(pdf), "x.pdf", int64(len(pdf))); err != nil {
		t.Errorf("file exactly at the cap: %v", err)
	}
	refused(t, nil, "empty.pdf", Empty)
}

func TestReadErrorsAreNotRefusals(t *testing.T) {
	boom := errors.New("connection reset")
	_, err := Check(io.MultiReader(strings.NewReader("%PDF-1.7"), iotestErr{boom}), "x.pdf", limit)
	var e *Error
	if !errors.Is(err, boom) || errors.As(err, &e) {
		t.Fatalf("err %v", err)
	}
}

type iotestErr struct{ err error }

func (r iotestErr) Read([]byte) (int, error) { return 0, r.err }

func TestPhotoOnlyPlaces(t *testing.T) {
	if _, err := CheckPhoto(bytes.NewReader(pngOf(t, 4, 4)), "me.png", limit); err != nil {
		t.Fatal(err)
	}
	_, err := CheckPhoto(bytes.NewReader(simplePDF("x", "")), "me.pdf", limit)
	var e *Error
	if !errors.As(err, &e) || e.Reason != NotAccepted || !strings.Contains(e.Message(), "is not a photo (JPEG or PNG) we can open") {
		t.Fatalf("err %v", err)
	}
}

func TestMessagesSayWhatToDo(t *testing.T) {
	heic := append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 100)...)
	for _, picture := range [][]byte{heic, []byte("GIF89a\x01\x00\x01\x00"), []byte("RIFF\x10\x00\x00\x00WEBPVP8 ")} {
		e := refused(t, picture, "IMG_0042.HEIC", NotAccepted)
		if !strings.Contains(e.Message(), "Save it as a JPEG or PNG, or take a screenshot of it") {
			t.Errorf("message %q", e.Message())
		}
	}

	_, err := Check(strings.NewReader("just some text"), "notes.txt", limit)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatal(err)
	}
	want := "notes.txt is not a PDF, Word document (DOCX) or photo (JPEG or PNG) we can open. Save it as a PDF and try again."
	if e.Message() != want {
		t.Errorf("message %q, want %q", e.Message(), want)
	}
}

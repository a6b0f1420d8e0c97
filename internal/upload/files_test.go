package upload

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"
)

// Real small files, made here: PDFs by fpdf (a real writer, with
// compressed streams and a cross-reference table) and by hand where a
// feature needs it; photos by the standard encoders; Word documents as zip
// packages.

// fpdfDoc writes a one-page PDF holding text; change may add to it (a
// script, an attachment, a password) before it is written.
func fpdfDoc(t testing.TB, text string, change func(*fpdf.Fpdf)) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCreationDate(fixedTime)
	p.SetModificationDate(fixedTime)
	p.AddPage()
	p.SetFont("Helvetica", "", 12)
	p.Cell(40, 10, text)
	if change != nil {
		change(p)
	}
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pdfWriter lays out a PDF by hand, keeping offsets for the
// cross-reference section.
type pdfWriter struct {
	b    bytes.Buffer
	offs map[int]int
}

func newPDF(version string) *pdfWriter {
	w := &pdfWriter{offs: map[int]int{}}
	fmt.Fprintf(&w.b, "%%PDF-%s\n%%\xe2\xe3\xcf\xd3\n", version)
	return w
}

func (w *pdfWriter) obj(num int, body string) {
	w.offs[num] = w.b.Len()
	fmt.Fprintf(&w.b, "%d 0 obj\n%s\nendobj\n", num, body)
}

func (w *pdfWriter) stream(num int, dict string, data []byte) {
	w.offs[num] = w.b.Len()
	fmt.Fprintf(&w.b, "%d 0 obj\n<<%s /Length %d>>\nstream\n", num, dict, len(data))
	w.b.Write(data)
	w.b.WriteString("\nendstream\nendobj\n")
}

// table ends the file with a classic cross-reference table and trailer.
func (w *pdfWriter) table(size int, trailer string) []byte {
	at := w.b.Len()
	fmt.Fprintf(&w.b, "xref\n0 %d\n0000000000 65535 f \n", size)
	for i := 1; i < size; i++ {
		fmt.Fprintf(&w.b, "%010d 00000 n \n", w.offs[i])
	}
	fmt.Fprintf(&w.b, "trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n", size, trailer, at)
	return w.b.Bytes()
}

func deflate(b []byte) []byte {
	var out bytes.Buffer
	zw := zlib.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

// simplePDF is a one-page PDF with an uncompressed content stream showing
// text, and extra added to the catalogue.
func simplePDF(text, extra string) []byte {
	w := newPDF("1.4")
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R "+extra+" >>")
	w.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	w.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>")
	w.stream(4, "", []byte("BT /F1 12 Tf 72 770 Td ("+text+") Tj ET"))
	w.obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	return w.table(6, "/Root 1 0 R")
}

// objStmPDF is a PDF 1.5 whose catalogue, pages and extra objects sit
// compressed in an object stream, indexed by a cross-reference stream with
// a PNG predictor, as modern writers make them. extra is the catalogue's
// extra entries; hidden, if not empty, is one more object in the stream.
func objStmPDF(extra, hidden string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 3 0 R " + extra + " >>",
		"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 595 842] >>",
	}
	if hidden != "" {
		objs = append(objs, hidden)
	}
	var head, body bytes.Buffer
	for i, o := range objs {
		fmt.Fprintf(&head, "%d %d ", i+2, body.Len())
		body.WriteString(o + "\n")
	}
	data := append(head.Bytes(), body.Bytes()...)
	w := newPDF("1.5")
	w.stream(1, fmt.Sprintf("/Type /ObjStm /N %d /First %d /Filter /FlateDecode", len(objs), head.Len()), deflate(data))
	xrefNum := len(objs) + 2
	w.offs[xrefNum] = w.b.Len()
	// Rows of 1 + 4 + 2 bytes, each behind a PNG "Up" filter byte.
	var rows []byte
	row := func(kind byte, a uint32, b uint16) {
		r := make([]byte, 7)
		r[0] = kind
		binary.BigEndian.PutUint32(r[1:], a)
		binary.BigEndian.PutUint16(r[5:], b)
		rows = append(rows, r...)
	}
	row(0, 0, 65535)
	row(1, uint32(w.offs[1]), 0)
	for i := range objs {
		row(2, 1, uint16(i))
	}
	row(1, uint32(w.offs[xrefNum]), 0)
	var predicted []byte
	prev := make([]byte, 7)
	for i := 0; i < len(rows); i += 7 {
		predicted = append(predicted, 2)
		for k := 0; k < 7; k++ {
			predicted = append(predicted, rows[i+k]-prev[k])
		}
		copy(prev, rows[i:i+7])
	}
	w.stream(xrefNum, fmt.Sprintf("/Type /XRef /Size %d /W [1 4 2] /Root 2 0 R /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 7 >>", xrefNum+1), deflate(predicted))
	fmt.Fprintf(&w.b, "startxref\n%d\n%%%%EOF\n", w.offs[xrefNum])
	return w.b.Bytes()
}

func pngOf(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x * 7), uint8(y * 5), 90, 255})
		}
	}
	return pngOf2(t, img)
}

func pngOf2(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngChunk is one PNG chunk with its CRC.
func pngChunk(kind string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, kind...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(kind), data...)))
}

// pngClaiming is a valid PNG signature and header claiming w×h pixels,
// with one tiny compressed row: only a decoder that trusts the header
// would allocate for it.
func pngClaiming(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0)
	b := append([]byte{}, pngSignature...)
	b = append(b, pngChunk("IHDR", ihdr)...)
	b = append(b, pngChunk("IDAT", deflate(make([]byte, 64)))...)
	return append(b, pngChunk("IEND", nil)...)
}

// halves is a w×h picture, black on the left half and white on the
// right, for telling which way up a photo came out.
func halves(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := w / 2; x < w; x++ {
			img.SetGray(x, y, color.Gray{255})
		}
	}
	return img
}

func jpegOf(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// gpsLatitude is the latitude the test photo carries, as EXIF rationals
// (51° 30' 26"), which must not survive.
var gpsLatitude = []byte{0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0, 30, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 1}

// withEXIF inserts after SOI an APP1 EXIF segment (big-endian TIFF) with
// an orientation, a camera make, and a GPS IFD holding a latitude.
func withEXIF(jpg []byte, orientation uint16) []byte {
	var t bytes.Buffer
	be := binary.BigEndian
	t.WriteString("MM\x00*")
	binary.Write(&t, be, uint32(8))
	// IFD0 at 8: three entries, then the next-IFD link.
	const ifd0Entries = 3
	gpsAt := uint32(8 + 2 + 12*ifd0Entries + 4)
	makeAt := gpsAt + 2 + 12*2 + 4
	latAt := makeAt + 8
	entry := func(tag, typ uint16, count, value uint32) {
		binary.Write(&t, be, tag)
		binary.Write(&t, be, typ)
		binary.Write(&t, be, count)
		binary.Write(&t, be, value)
	}
	binary.Write(&t, be, uint16(ifd0Entries))
	entry(0x010F, 2, 8, makeAt)                  // Make
	entry(0x0112, 3, 1, uint32(orientation)<<16) // Orientation, SHORT left-justified
	entry(0x8825, 4, 1, gpsAt)                   // GPS IFD
	binary.Write(&t, be, uint32(0))
	// GPS IFD: latitude ref and latitude.
	binary.Write(&t, be, uint16(2))
	entry(0x0001, 2, 2, uint32('N')<<24)
	entry(0x0002, 5, 3, latAt)
	binary.Write(&t, be, uint32(0))
	t.WriteString("PSUCAM1\x00")
	t.Write(gpsLatitude)

	seg := append([]byte("Exif\x00\x00"), t.Bytes()...)
	app1 := []byte{0xFF, 0xE1}
	app1 = binary.BigEndian.AppendUint16(app1, uint16(len(seg)+2))
	app1 = append(app1, seg...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	return append(out, jpg[2:]...)
}

// zipOf builds a zip with the given entries, in order.
func zipOf(t testing.TB, entries ...[2]string) []byte {
	t.Helper()
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

const (
	contentTypesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`
	packageRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`
	docmContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>` +
		`<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>`
)

func documentXML(text string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>` +
		text + `</w:t></w:r></w:p></w:body></w:document>`
}

// docx is a minimal Word document holding text, with wordRels (if not
// empty) as word/_rels/document.xml.rels.
func docx(t testing.TB, text, wordRels string) []byte {
	entries := [][2]string{{"[Content_Types].xml", contentTypesXML}, {"_rels/.rels", packageRels}, {"word/document.xml", documentXML(text)}}
	if wordRels != "" {
		entries = append(entries, [2]string{"word/_rels/document.xml.rels", wordRels})
	}
	return zipOf(t, entries...)
}

// docm is what Word saves as a macro-enabled document.
func docm(t testing.TB) []byte {
	return zipOf(t, [2]string{"[Content_Types].xml", docmContentTypes}, [2]string{"_rels/.rels", packageRels},
		[2]string{"word/document.xml", documentXML("Enable content to see this letter")},
		[2]string{"word/_rels/document.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>`},
		[2]string{"word/vbaProject.bin", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 Attribute VB_Name = \"ThisDocument\"\nSub AutoOpen()\nEnd Sub"})
}

func externalRels(kind, target string) string {
	return `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/` + kind + `" Target="` + target + `" TargetMode="External"/></Relationships>`
}

// zipBomb is a Word-shaped package one of whose parts unpacks to size
// bytes of zeros (a few kilobytes packed).
func zipBomb(t testing.TB, size int) []byte {
	return zipOf(t, [2]string{"[Content_Types].xml", contentTypesXML}, [2]string{"word/document.xml", documentXML("x")},
		[2]string{"word/media/zeros.bin", strings.Repeat("\x00", size)})
}

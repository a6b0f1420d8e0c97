package application_test

import (
	"archive/zip"
	"bytes"
	"testing"
)

// zipBombDOCX is shaped like a Word document, but one of its parts unpacks
// from a few hundred kilobytes to 200 MB of zeros.
func zipBombDOCX(t testing.TB) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range [][2]string{
		{"[Content_Types].xml", `<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		{"word/document.xml", "<w:document/>"},
	} {
		w, _ := zw.Create(e[0])
		w.Write([]byte(e[1]))
	}
	w, _ := zw.Create("word/media/image1.bin")
	zeros := make([]byte, 1<<20)
	for i := 0; i < 200; i++ {
		w.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

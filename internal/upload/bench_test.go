package upload

import (
	"bytes"
	"image"
	"image/color"
	"strings"
	"testing"
)

// BenchmarkCheck measures what a check costs a request: a 1 MB PDF read
// whole, a 12-megapixel phone photo decoded and re-encoded, a Word
// document unpacked.
func BenchmarkCheck(b *testing.B) {
	photo := image.NewYCbCr(image.Rect(0, 0, 4000, 3000), image.YCbCrSubsampleRatio420)
	for i := range photo.Y {
		photo.Y[i] = uint8(i ^ i>>7)
	}
	for i := range photo.Cb {
		photo.Cb[i], photo.Cr[i] = uint8(i>>3), uint8(i>>5)
	}
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"pdf-1MB", simplePDFWithStream(strings.Repeat("0 0 m 10 10 l S\n", 1<<16))},
		{"jpeg-12MP", withEXIF(jpegOf(b, photo), 6)},
		{"png-2MP", pngOfColour(b, 1600, 1200)},
		{"docx", docx(b, strings.Repeat("Dear trainee. ", 5000), "")},
	} {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(f.data)))
			for b.Loop() {
				if _, err := Check(bytes.NewReader(f.data), "f", limit); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func pngOfColour(b *testing.B, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	return pngOf2(b, img)
}

package upload

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
)

// Photos are decoded to the last pixel and stored as newly encoded pixels:
// a file that only starts like an image fails to decode, and whatever rode
// along in it (EXIF with GPS position, comments, trailing data) is not in
// what we store. The size in the header is checked against MaxPixels before
// any pixel is decoded, since the decoders allocate from it.

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// jpegMaxScans bounds the scans of a progressive JPEG: each scan walks the
// whole image, so thousands of tiny scans would cost minutes. Encoders use
// about ten.
const jpegMaxScans = 100

func damagedImage(name string, err error) error {
	return refuse(Damaged, name+" looks like a photo but is damaged or incomplete. Take the photo or screenshot again, or save it again as a JPEG or PNG, then upload it.", err)
}

func tooManyPixels(name string, w, h int) error {
	return refuse(TooManyPixels, name+" is too large an image to accept. Upload a smaller photo or screenshot.", fmt.Errorf("%d×%d pixels", w, h))
}

func checkPixels(name string, c image.Config) error {
	if c.Width <= 0 || c.Height <= 0 {
		return damagedImage(name, errors.New("no pixels"))
	}
	if int64(c.Width)*int64(c.Height) > MaxPixels {
		return tooManyPixels(name, c.Width, c.Height)
	}
	return nil
}

func reencodePNG(b []byte, name string) ([]byte, error) {
	c, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, damagedImage(name, err)
	}
	if err := checkPixels(name, c); err != nil {
		return nil, err
	}
	// png.Decode reads every chunk to IEND and checks each CRC and the
	// compressed data's checksum: a truncated or patched file fails here.
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, damagedImage(name, err)
	}
	var out bytes.Buffer
	if err := png.Encode(&out, img); err != nil {
		return nil, fmt.Errorf("upload: encoding png: %w", err)
	}
	return out.Bytes(), nil
}

func reencodeJPEG(b []byte, name string) ([]byte, error) {
	info, err := jpegSegments(b)
	if err != nil {
		return nil, damagedImage(name, err)
	}
	c, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, damagedImage(name, err)
	}
	if err := checkPixels(name, c); err != nil {
		return nil, err
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, damagedImage(name, err)
	}
	img = orient(img, info.orientation)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: info.quality}); err != nil {
		return nil, fmt.Errorf("upload: encoding jpeg: %w", err)
	}
	return out.Bytes(), nil
}

type jpegInfo struct {
	orientation int // EXIF orientation, 1 (as stored) to 8
	quality     int // estimated from the luminance quantisation table
}

// jpegSegments walks a JPEG's markers to its end (EOI): it counts scans,
// finds the EXIF orientation, and estimates the quality the photo was saved
// at, so the new encoding is neither much larger nor much worse.
func jpegSegments(b []byte) (jpegInfo, error) {
	info := jpegInfo{orientation: 1, quality: 90}
	scans := 0
	i := 2 // after SOI
	for {
		// Markers may be padded with any number of 0xFF bytes.
		for i < len(b) && b[i] == 0xFF && i+1 < len(b) && b[i+1] == 0xFF {
			i++
		}
		if i+2 > len(b) || b[i] != 0xFF {
			return info, errors.New("jpeg: ends before its end marker")
		}
		marker := b[i+1]
		i += 2
		switch {
		case marker == 0xD9: // EOI
			if scans == 0 {
				return info, errors.New("jpeg: no image data")
			}
			return info, nil
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD7:
			continue // no length
		}
		if i+2 > len(b) {
			return info, errors.New("jpeg: truncated segment")
		}
		n := int(binary.BigEndian.Uint16(b[i:]))
		if n < 2 || i+n > len(b) {
			return info, errors.New("jpeg: truncated segment")
		}
		seg := b[i+2 : i+n]
		i += n
		switch marker {
		case 0xE1:
			if o := exifOrientation(seg); o != 0 {
				info.orientation = o
			}
		case 0xDB:
			if q := estimateQuality(seg); q != 0 {
				info.quality = q
			}
		case 0xDA: // SOS: entropy-coded data follows, up to the next real marker
			scans++
			if scans > jpegMaxScans {
				return info, fmt.Errorf("jpeg: more than %d scans", jpegMaxScans)
			}
			for i < len(b) {
				if b[i] == 0xFF && i+1 < len(b) && b[i+1] != 0x00 && !(b[i+1] >= 0xD0 && b[i+1] <= 0xD7) {
					break
				}
				i++
			}
		}
	}
}

// exifOrientation reads tag 0x0112 from IFD0 of an APP1 EXIF segment;
// 0 when there is none or it is out of range.
func exifOrientation(seg []byte) int {
	if !bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
		return 0
	}
	t := seg[6:]
	if len(t) < 8 {
		return 0
	}
	var order binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return 0
	}
	ifd := int64(order.Uint32(t[4:]))
	if ifd+2 > int64(len(t)) {
		return 0
	}
	n := int64(order.Uint16(t[ifd:]))
	for k := int64(0); k < n; k++ {
		e := ifd + 2 + 12*k
		if e+12 > int64(len(t)) {
			return 0
		}
		if order.Uint16(t[e:]) == 0x0112 && order.Uint16(t[e+2:]) == 3 {
			if o := int(order.Uint16(t[e+8:])); o >= 1 && o <= 8 {
				return o
			}
			return 0
		}
	}
	return 0
}

// stdLuminance is the JPEG standard's luminance table (Annex K), in zigzag
// order as DQT stores it, at quality 50.
var stdLuminance = [64]int{
	16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40,
	26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58, 51, 61, 60, 57, 51,
	56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87,
	95, 98, 103, 104, 103, 62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99,
}

// estimateQuality inverts the libjpeg quality scaling from table 0 of a DQT
// segment; 0 when the segment does not hold it.
func estimateQuality(seg []byte) int {
	for len(seg) > 0 {
		pq, tq := seg[0]>>4, seg[0]&0x0F
		size := 64
		if pq == 1 {
			size = 128
		}
		if len(seg) < 1+size {
			return 0
		}
		if tq == 0 {
			sum, std := 0, 0
			for k := 0; k < 64; k++ {
				v := int(seg[1+k])
				if pq == 1 {
					v = int(binary.BigEndian.Uint16(seg[1+2*k:]))
				}
				sum += v
				std += stdLuminance[k]
			}
			scale := float64(sum) * 100 / float64(std)
			q := 0
			if scale <= 100 {
				q = int((200-scale)/2 + 0.5)
			} else {
				q = int(5000/scale + 0.5)
			}
			return min(max(q, 50), 95)
		}
		seg = seg[1+size:]
	}
	return 0
}

// orient turns img upright as its EXIF orientation says, since the tag
// itself is not kept. Decoded JPEGs (grey or YCbCr) are turned plane by
// plane without converting their colours; anything else goes through RGBA.
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := turned(o, w, h)
	if b.Min == (image.Point{}) {
		switch m := img.(type) {
		case *image.Gray:
			out := image.NewGray(image.Rect(0, 0, dw, dh))
			remap(out.Pix, out.Stride, 1, dw, dh, m.Pix, m.Stride, upright(o, w, h))
			return out
		case *image.YCbCr:
			if ratio, ok := turnedRatio(m.SubsampleRatio, o >= 5); ok {
				out := image.NewYCbCr(image.Rect(0, 0, dw, dh), ratio)
				remap(out.Y, out.YStride, 1, dw, dh, m.Y, m.YStride, upright(o, w, h))
				cw, ch := chromaSize(m.SubsampleRatio, w, h)
				dcw, dch := turned(o, cw, ch)
				remap(out.Cb, out.CStride, 1, dcw, dch, m.Cb, m.CStride, upright(o, cw, ch))
				remap(out.Cr, out.CStride, 1, dcw, dch, m.Cr, m.CStride, upright(o, cw, ch))
				return out
			}
		}
	}
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	remap(out.Pix, out.Stride, 4, dw, dh, rgba.Pix, rgba.Stride, upright(o, w, h))
	return out
}

// turned is the size of a w×h picture once upright.
func turned(o, w, h int) (int, int) {
	if o >= 5 {
		return h, w
	}
	return w, h
}

// upright gives, for each pixel of the upright picture, the stored pixel
// of a w×h picture with EXIF orientation o that it shows.
func upright(o, w, h int) func(x, y int) (int, int) {
	return func(x, y int) (int, int) {
		switch o {
		case 2: // mirrored
			return w - 1 - x, y
		case 3: // upside down
			return w - 1 - x, h - 1 - y
		case 4: // mirrored upside down
			return x, h - 1 - y
		case 5: // mirrored, on its side
			return y, x
		case 6: // on its side: turn clockwise
			return y, h - 1 - x
		case 7:
			return w - 1 - y, h - 1 - x
		}
		return w - 1 - y, x // 8: turn anticlockwise
	}
}

// chromaSize is the size of the Cb and Cr planes of a w×h YCbCr image.
func chromaSize(r image.YCbCrSubsampleRatio, w, h int) (int, int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	case image.YCbCrSubsampleRatio411:
		return (w + 3) / 4, h
	case image.YCbCrSubsampleRatio410:
		return (w + 3) / 4, (h + 1) / 2
	}
	return w, h
}

// turnedRatio is the chroma subsampling of a YCbCr image after a turn
// that swaps width and height; ok is false for those Go has no name for.
func turnedRatio(r image.YCbCrSubsampleRatio, swap bool) (image.YCbCrSubsampleRatio, bool) {
	if !swap {
		return r, true
	}
	switch r {
	case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio420:
		return r, true
	case image.YCbCrSubsampleRatio422:
		return image.YCbCrSubsampleRatio440, true
	case image.YCbCrSubsampleRatio440:
		return image.YCbCrSubsampleRatio422, true
	}
	return r, false
}

// remap fills dst (dw×dh pixels of size bytes) from src, asking at(x, y)
// which source pixel each destination pixel shows.
func remap(dst []byte, dstStride, size, dw, dh int, src []byte, srcStride int, at func(x, y int) (int, int)) {
	for y := 0; y < dh; y++ {
		row := dst[y*dstStride:]
		for x := 0; x < dw; x++ {
			sx, sy := at(x, y)
			o := sy*srcStride + sx*size
			copy(row[x*size:x*size+size], src[o:o+size])
		}
	}
}

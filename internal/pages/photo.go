package pages

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	xdraw "golang.org/x/image/draw"

	"github.com/psu-project/psu/internal/upload"
)

// maxPhotoSide is the longest side of a stored photo, in pixels: pages
// show it at 160 pixels wide, so this is sharp on any screen while a
// phone's 12-megapixel photo does not reach trainees as several megabytes.
const maxPhotoSide = 480

// fitPhoto scales a checked photo (already decoded whole and re-encoded
// without metadata by internal/upload) down to maxPhotoSide, keeping its
// type.
func fitPhoto(c upload.Checked) (Photo, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(c.Content))
	if err != nil {
		return Photo{}, fmt.Errorf("pages: photo: %w", err)
	}
	if cfg.Width <= maxPhotoSide && cfg.Height <= maxPhotoSide {
		return Photo{Content: c.Content, ContentType: c.ContentType}, nil
	}
	src, _, err := image.Decode(bytes.NewReader(c.Content))
	if err != nil {
		return Photo{}, fmt.Errorf("pages: photo: %w", err)
	}
	w, h := cfg.Width, cfg.Height
	if w >= h {
		w, h = maxPhotoSide, max(1, h*maxPhotoSide/w)
	} else {
		w, h = max(1, w*maxPhotoSide/h), maxPhotoSide
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), xdraw.Src, nil)
	var out bytes.Buffer
	if c.ContentType == upload.TypePNG {
		err = png.Encode(&out, dst)
	} else {
		err = jpeg.Encode(&out, dst, &jpeg.Options{Quality: 85})
	}
	if err != nil {
		return Photo{}, fmt.Errorf("pages: photo: %w", err)
	}
	return Photo{Content: out.Bytes(), ContentType: c.ContentType}, nil
}

package main

import (
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
)

// textCache keeps rendered lines of text as images: shaping a line costs
// far more than drawing an image, and list rows, captions and labels stay
// the same for many frames.
type textCache struct {
	m     map[textKey]*textEntry
	frame int
}

type textKey struct {
	s string
	f *text.GoTextFace
	c color.RGBA
}

type textEntry struct {
	img  *ebiten.Image
	used int
}

// draw draws s with its top-left corner at (x, y), from the cache.
func (tc *textCache) draw(dst *ebiten.Image, s string, f *text.GoTextFace, x, y float64, c color.Color) {
	if s == "" {
		return
	}
	r, g, b, a := c.RGBA()
	k := textKey{s, f, color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}}
	if tc.m == nil {
		tc.m = map[textKey]*textEntry{}
	}
	e := tc.m[k]
	if e == nil {
		w, h := text.Measure(s, f, f.Size*1.3)
		img := ebiten.NewImage(int(math.Ceil(w))+2, int(math.Ceil(h))+2)
		op := &text.DrawOptions{}
		op.ColorScale.ScaleWithColor(c)
		text.Draw(img, s, f, op)
		e = &textEntry{img: img}
		tc.m[k] = e
	}
	e.used = tc.frame
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(math.Round(x), math.Round(y))
	dst.DrawImage(e.img, op)
}

// endFrame forgets lines not drawn for two seconds.
func (tc *textCache) endFrame() {
	tc.frame++
	if tc.frame%60 != 0 {
		return
	}
	for k, e := range tc.m {
		if tc.frame-e.used > 120 {
			e.img.Deallocate()
			delete(tc.m, k)
		}
	}
}

// advances caches text widths: shaping a line to measure it costs as
// much as drawing it, and labels, buttons and ticks are measured every
// frame.
var advances = map[advKey]float64{}

type advKey struct {
	s string
	f *text.GoTextFace
}

// advance is text.Advance, cached.
func advance(s string, f *text.GoTextFace) float64 {
	k := advKey{s, f}
	if w, ok := advances[k]; ok {
		return w
	}
	if len(advances) > 20000 {
		clear(advances)
	}
	w := text.Advance(s, f)
	advances[k] = w
	return w
}

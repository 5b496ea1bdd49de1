package gifrec

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"testing"
)

func TestRecorder(t *testing.T) {
	r := New(10, 2)
	frame := func(x int) *image.RGBA {
		img := image.NewRGBA(image.Rect(0, 0, 64, 40))
		for i := range img.Pix {
			img.Pix[i] = 0xF7
		}
		for y := 10; y < 20; y++ {
			for dx := 0; dx < 8; dx++ {
				img.Set(x+dx, y, color.RGBA{0xE6, 0x9F, 0, 255})
			}
		}
		return img
	}
	r.Add(frame(0))
	r.Add(frame(0)) // unchanged: the first frame lasts longer
	r.Add(frame(20))
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 2 || g.Delay[0] != 20 || g.Config.Width != 32 || g.Config.Height != 20 {
		t.Fatalf("frames %d, delays %v, size %dx%d", len(g.Image), g.Delay, g.Config.Width, g.Config.Height)
	}
	if len(Palette(color.RGBA{1, 2, 3, 255})) != 255 || Palette(color.RGBA{1, 2, 3, 255})[0] != (color.RGBA{1, 2, 3, 255}) {
		t.Error("extra colours are not in the palette")
	}
	if b := g.Image[1].Bounds(); b.Dx() >= 32 || b.Min.X > 10 {
		t.Errorf("second frame stores %v, want only the changed part", b)
	}
}

// Package gifrec turns the window's frames into a small animated GIF
// (image/gif): each frame is halved with a box filter, mapped to one
// fixed palette (the window's flat colours need no dithering), and only
// the rectangle that changed since the previous frame is stored.
package gifrec

import (
	"image"
	"image/color"
	"image/gif"
	"io"
)

// Recorder collects frames.
type Recorder struct {
	Delay int // per frame, in 1/100 s
	Scale int // 1 keeps the size, 2 halves it
	g     gif.GIF
	prev  *image.Paletted
	pal   color.Palette
	cache []uint8 // 15-bit RGB → palette index, 255 = not yet known
}

// New makes a recorder of frames shown for delay/100 s each; extra
// colours (the window's own, up to 18) join the palette exactly.
func New(delay, scale int, extra ...color.Color) *Recorder {
	r := &Recorder{Delay: delay, Scale: max(scale, 1), pal: Palette(extra...)}
	r.cache = make([]uint8, 1<<15)
	for i := range r.cache {
		r.cache[i] = 255
	}
	return r
}

// transparent is the palette's last entry: "as in the previous frame".
const transparent = 254

// Palette is the extra colours, a 6×6×6 colour cube and greys: 254
// colours, then transparent.
func Palette(extra ...color.Color) color.Palette {
	p := color.Palette(append([]color.Color(nil), extra[:min(len(extra), 18)]...))
	for r := 0; r < 6; r++ {
		for g := 0; g < 6; g++ {
			for b := 0; b < 6; b++ {
				p = append(p, color.RGBA{uint8(r * 51), uint8(g * 51), uint8(b * 51), 255})
			}
		}
	}
	for n := 254 - len(p); len(p) < 254; {
		v := uint8((254 - len(p)) * 255 / (n + 1))
		p = append(p, color.RGBA{v, v, v, 255})
	}
	return append(p, color.RGBA{})
}

// Frames is the number of frames so far.
func (r *Recorder) Frames() int { return len(r.g.Image) }

// Add appends a frame (RGBA pixels, as the window reads them back).
func (r *Recorder) Add(src *image.RGBA) {
	s := r.Scale
	b := src.Bounds()
	w, h := b.Dx()/s, b.Dy()/s
	img := image.NewPaletted(image.Rect(0, 0, w, h), r.pal)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var cr, cg, cb int
			for dy := 0; dy < s; dy++ {
				o := src.PixOffset(b.Min.X+x*s, b.Min.Y+y*s+dy)
				for dx := 0; dx < s; dx++ {
					cr, cg, cb = cr+int(src.Pix[o]), cg+int(src.Pix[o+1]), cb+int(src.Pix[o+2])
					o += 4
				}
			}
			n := s * s
			img.Pix[y*img.Stride+x] = r.index(cr/n, cg/n, cb/n)
		}
	}
	if r.prev == nil {
		r.g.Image = append(r.g.Image, img)
		r.g.Delay = append(r.g.Delay, r.Delay)
		r.g.Disposal = append(r.g.Disposal, gif.DisposalNone)
		r.prev = img
		return
	}
	ch := changed(r.prev, img)
	if ch.Empty() { // nothing moved: show the last frame longer
		r.g.Delay[len(r.g.Delay)-1] += r.Delay
		return
	}
	// Unchanged pixels inside the rectangle become transparent: long
	// runs of one index compress well.
	sub := image.NewPaletted(ch, r.pal)
	for y := ch.Min.Y; y < ch.Max.Y; y++ {
		for x := ch.Min.X; x < ch.Max.X; x++ {
			c := img.Pix[y*img.Stride+x]
			if c == r.prev.Pix[y*r.prev.Stride+x] {
				c = transparent
			}
			sub.Pix[sub.PixOffset(x, y)] = c
		}
	}
	r.g.Image = append(r.g.Image, sub)
	r.g.Delay = append(r.g.Delay, r.Delay)
	r.g.Disposal = append(r.g.Disposal, gif.DisposalNone)
	r.prev = img
}

// index finds the nearest palette colour, through a 15-bit cache.
func (r *Recorder) index(cr, cg, cb int) uint8 {
	k := cr>>3<<10 | cg>>3<<5 | cb>>3
	if i := r.cache[k]; i != 255 {
		return i
	}
	i := uint8(r.pal[:transparent].Index(color.RGBA{uint8(cr), uint8(cg), uint8(cb), 255}))
	r.cache[k] = i
	return i
}

// changed is the smallest rectangle where a and b differ.
func changed(a, b *image.Paletted) image.Rectangle {
	w, h := b.Rect.Dx(), b.Rect.Dy()
	x0, y0, x1, y1 := w, h, -1, -1
	for y := 0; y < h; y++ {
		ra, rb := a.Pix[y*a.Stride:y*a.Stride+w], b.Pix[y*b.Stride:y*b.Stride+w]
		for x := 0; x < w; x++ {
			if ra[x] != rb[x] {
				x0, x1 = min(x0, x), max(x1, x)
				y0, y1 = min(y0, y), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		return image.Rectangle{}
	}
	return image.Rect(x0, y0, x1+1, y1+1)
}

// Write encodes the animation, looping forever.
func (r *Recorder) Write(w io.Writer) error {
	r.g.Config = image.Config{ColorModel: r.pal}
	if r.prev != nil {
		r.g.Config.Width, r.g.Config.Height = r.prev.Rect.Dx(), r.prev.Rect.Dy()
	}
	return gif.EncodeAll(w, &r.g)
}

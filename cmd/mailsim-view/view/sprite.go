package view

import (
	"image"
	"image/color"
	"math"
)

// Sprite draws the protocol's shape, w×h pixels, anti-aliased, for the
// window to upload once. Envelope: a letter with its flap; the others
// a triangle, square, diamond, dot, ring, hexagon or page (a sheet with
// a folded corner), each outlined in dark ink so they stand out on links
// and regions.
func Sprite(p Proto, w, h int) *image.NRGBA {
	c := p.Color()
	ink := color.RGBA{0x22, 0x22, 0x22, 0xFF}
	fw, fh := float64(w), float64(h)
	in := func(x, y float64) color.RGBA {
		switch p.Shape() {
		case ShapeEnvelope:
			if x < 1 || y < 1 || x > fw-1 || y > fh-1 {
				return color.RGBA{}
			}
			if x < 2.5 || y < 2.5 || x > fw-2.5 || y > fh-2.5 {
				return ink
			}
			// The flap: two lines from the top corners to the middle.
			fy := (fh / 2) * (1 - math.Abs(x-fw/2)/(fw/2))
			if math.Abs(y-2-fy) < 1.1 {
				return ink
			}
			if y < fy+2 {
				return lighten(c)
			}
			return c
		case ShapeTriangle:
			cx := fw / 2
			half := (y - 1) / (fh - 2) * (fw/2 - 1)
			if y < 1 || y > fh-1 || math.Abs(x-cx) > half {
				return color.RGBA{}
			}
			if y > fh-2.6 || math.Abs(x-cx) > half-2 {
				return ink
			}
			return c
		case ShapeSquare:
			s := math.Min(fw, fh) - 2
			x0, y0 := (fw-s)/2, (fh-s)/2
			if x < x0 || y < y0 || x > x0+s || y > y0+s {
				return color.RGBA{}
			}
			if x < x0+1.6 || y < y0+1.6 || x > x0+s-1.6 || y > y0+s-1.6 {
				return ink
			}
			return c
		case ShapeDiamond:
			d := math.Abs(x-fw/2)/(fw/2-1) + math.Abs(y-fh/2)/(fh/2-1)
			if d > 1 {
				return color.RGBA{}
			}
			if d > 0.78 {
				return ink
			}
			return c
		case ShapeDot:
			r := math.Min(fw, fh) / 4
			d := math.Hypot(x-fw/2, y-fh/2)
			if d > r {
				return color.RGBA{}
			}
			if d > r-1.3 {
				return ink
			}
			return c
		case ShapeHexagon:
			// Pointy sides left and right: the distance to the edge in the
			// hexagon's own metric.
			dx, dy := math.Abs(x-fw/2)/(fw/2-1), math.Abs(y-fh/2)/(fh/2-1)
			d := math.Max(dy, dx+dy*0.5)
			if d > 1 {
				return color.RGBA{}
			}
			if d > 0.8 {
				return ink
			}
			return c
		case ShapePage:
			pw := fh * 0.75
			x0, x1, y0, y1 := (fw-pw)/2, (fw+pw)/2, 1.0, fh-1
			fold := pw * 0.35
			if x < x0 || x > x1 || y < y0 || y > y1 || x-(x1-fold) > y-y0 {
				return color.RGBA{}
			}
			if x < x0+1.5 || x > x1-1.5 || y < y0+1.5 || y > y1-1.5 || math.Abs(x-(x1-fold)-(y-y0)) < 1.1 {
				return ink
			}
			if x > x1-fold && y < y0+fold {
				return lighten(c) // the folded corner
			}
			return c
		default:
			r := math.Min(fw, fh)/2 - 1
			d := math.Hypot(x-fw/2, y-fh/2)
			if d > r || d < r-4 {
				return color.RGBA{}
			}
			return c
		}
	}
	return supersample(w, h, in)
}

func lighten(c color.RGBA) color.RGBA {
	return color.RGBA{uint8((int(c.R) + 255) / 2), uint8((int(c.G) + 255) / 2), uint8((int(c.B) + 255) / 2), c.A}
}

// supersample renders f on a 4×4 subpixel grid per pixel.
func supersample(w, h int, f func(x, y float64) color.RGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	const ss = 4
	for py := 0; py < h; py++ {
		for px := 0; px < w; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					c := f(float64(px)+(float64(sx)+0.5)/ss, float64(py)+(float64(sy)+0.5)/ss)
					al := float64(c.A)
					r, g, b, a = r+float64(c.R)*al, g+float64(c.G)*al, b+float64(c.B)*al, a+al
				}
			}
			if a > 0 {
				img.SetNRGBA(px, py, color.NRGBA{uint8(r / a), uint8(g / a), uint8(b / a), uint8(a / ss / ss)})
			}
		}
	}
	return img
}

// LetterPaper is the colour of a letter.
var LetterPaper = color.RGBA{0xFF, 0xF6, 0xD8, 0xFF}

// LetterSprite draws a message's letter, w×h pixels: cream paper, dark
// outline and flap, a red stamp; refused adds a red cross over it. It is
// uploaded once, so a thousand letters cost one batch of images.
func LetterSprite(w, h int, refused bool) *image.NRGBA {
	paper := LetterPaper
	ink := InkColor
	stamp := color.RGBA{0xC6, 0x28, 0x28, 0xFF}
	fw, fh := float64(w), float64(h)
	b := fh * 0.12 // border width
	return supersample(w, h, func(x, y float64) color.RGBA {
		if refused {
			d1 := math.Abs((x - 1) - (y-1)*(fw-2)/(fh-2))
			d2 := math.Abs((fw - 1 - x) - (y-1)*(fw-2)/(fh-2))
			if min(d1, d2) < fh*0.12 {
				return ErrColor
			}
		}
		if x < 1 || y < 1 || x > fw-1 || y > fh-1 {
			return color.RGBA{}
		}
		if x < 1+b || y < 1+b || x > fw-1-b || y > fh-1-b {
			return ink
		}
		fy := (fh * 0.55) * (1 - math.Abs(x-fw/2)/(fw/2))
		if math.Abs(y-1-fy) < b*0.8 {
			return ink
		}
		if x > fw-1-b-fw*0.3 && y > fh-1-b-fh*0.38 && x < fw-1-b-fw*0.06 && y < fh-1-b-fh*0.08 {
			return stamp
		}
		return paper
	})
}

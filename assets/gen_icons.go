//go:build ignore

// gen_icons draws the window's icons as 64×64 PNGs into icons/.
// Run: go run gen_icons.go (from assets/). Shapes are computed per pixel
// on a 4×4 subpixel grid, so edges are anti-aliased.
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const size = 64

type shape func(x, y float64) color.RGBA // transparent where nothing

func rect(x0, y0, x1, y1 float64) func(x, y float64) bool {
	return func(x, y float64) bool { return x >= x0 && x < x1 && y >= y0 && y < y1 }
}

func circle(cx, cy, r float64) func(x, y float64) bool {
	return func(x, y float64) bool { return math.Hypot(x-cx, y-cy) <= r }
}

type layer struct {
	in func(x, y float64) bool
	c  color.RGBA
}

func paint(layers ...layer) shape {
	return func(x, y float64) color.RGBA {
		var out color.RGBA
		for _, l := range layers {
			if l.in(x, y) {
				out = l.c
			}
		}
		return out
	}
}

var (
	ink    = color.RGBA{0x2B, 0x2F, 0x36, 0xFF}
	screen = color.RGBA{0x9E, 0xD3, 0xF0, 0xFF}
	metal  = color.RGBA{0xD9, 0xDD, 0xE3, 0xFF}
	led    = color.RGBA{0x00, 0x9E, 0x73, 0xFF}
	white  = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
	cloud  = color.RGBA{0xE8, 0xF1, 0xFA, 0xFF}
	router = color.RGBA{0x44, 0x4B, 0x57, 0xFF}
	gold   = color.RGBA{0xF0, 0xE4, 0x42, 0xFF}
)

func pc() shape {
	return paint(
		layer{rect(6, 8, 58, 44), ink},
		layer{rect(10, 12, 54, 40), screen},
		layer{rect(28, 44, 36, 52), ink},
		layer{rect(16, 52, 48, 58), ink},
	)
}

func server() shape {
	ls := []layer{{rect(14, 4, 50, 60), ink}, {rect(17, 7, 47, 57), metal}}
	for _, y := range []float64{12, 26, 40} {
		ls = append(ls, layer{rect(20, y, 44, y+9), ink}, layer{circle(40, y+4.5, 2.2), led}, layer{rect(22, y+3.5, 32, y+5.5), metal})
	}
	return paint(ls...)
}

func rootDNS() shape {
	s := server()
	globe := circle(46, 46, 14)
	return func(x, y float64) color.RGBA {
		if globe(x, y) {
			d := math.Hypot(x-46, y-46)
			if d > 12.5 || math.Abs(x-46) < 1 || math.Abs(y-46) < 1 || math.Abs(math.Hypot((x-46)*2, y-46)-12) < 1 {
				return ink
			}
			return gold
		}
		return s(x, y)
	}
}

func routerIcon() shape {
	body := circle(32, 32, 26)
	return func(x, y float64) color.RGBA {
		if !body(x, y) {
			return color.RGBA{}
		}
		if math.Hypot(x-32, y-32) > 24 {
			return ink
		}
		// Four arrows: a cross of bars with heads.
		dx, dy := math.Abs(x-32), math.Abs(y-32)
		if (dx < 2.5 && dy < 18) || (dy < 2.5 && dx < 18) {
			return white
		}
		if (dy > 10 && dy < 19 && dx < 19-dy) || (dx > 10 && dx < 19 && dy < 19-dx) {
			return white
		}
		return router
	}
}

func internet() shape {
	blobs := []func(x, y float64) bool{circle(20, 38, 13), circle(34, 28, 17), circle(47, 38, 12), rect(18, 38, 48, 51)}
	in := func(x, y float64) bool {
		for _, b := range blobs {
			if b(x, y) {
				return true
			}
		}
		return false
	}
	return func(x, y float64) color.RGBA {
		if !in(x, y) {
			return color.RGBA{}
		}
		// A border: inside, but a neighbour 2px away is outside.
		for _, d := range [][2]float64{{2, 0}, {-2, 0}, {0, 2}, {0, -2}} {
			if !in(x+d[0], y+d[1]) {
				return ink
			}
		}
		return cloud
	}
}

func write(name string, s shape) {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					c := s(float64(px)+(float64(sx)+0.5)/ss, float64(py)+(float64(sy)+0.5)/ss)
					r += float64(c.R) * float64(c.A)
					g += float64(c.G) * float64(c.A)
					b += float64(c.B) * float64(c.A)
					a += float64(c.A)
				}
			}
			if a == 0 {
				continue
			}
			img.Set(px, py, color.NRGBA{uint8(r / a), uint8(g / a), uint8(b / a), uint8(a / ss / ss)})
		}
	}
	f, err := os.Create("icons/" + name + ".png")
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func main() {
	write("pc", pc())
	write("server", server())
	write("root", rootDNS())
	write("router", routerIcon())
	write("internet", internet())
}

package view

import (
	"image/color"
	"math"
)

// The window's colours, on a light background (protocol colours are the
// service table's, Okabe–Ito). Text colours meet WCAG AA (4.5:1) on every
// background they are drawn on: TestPaletteContrast.
var (
	BgColor     = color.RGBA{0xF7, 0xF7, 0xF2, 0xFF}
	PanelColor  = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
	InkColor    = color.RGBA{0x1F, 0x23, 0x2B, 0xFF}
	DimColor    = color.RGBA{0x47, 0x4F, 0x5C, 0xFF} // secondary text: labels, hints
	LineColor   = color.RGBA{0x9A, 0xA3, 0xAE, 0xFF}
	RegionColor = color.RGBA{0xE4, 0xEC, 0xF5, 0xFF}
	RegionEdge  = color.RGBA{0x8F, 0xA8, 0xC4, 0xFF}
	SelColor    = color.RGBA{0xFF, 0xF2, 0xB3, 0xFF}
	ErrColor    = color.RGBA{0xA8, 0x1C, 0x1C, 0xFF}
	OKColor     = color.RGBA{0x1B, 0x6E, 0x2E, 0xFF}
	ClientColor = color.RGBA{0x00, 0x5A, 0x8C, 0xFF}
	ServerColor = color.RGBA{0x8C, 0x3A, 0x00, 0xFF}
)

// TextColors and Backgrounds are the pairs text is drawn with.
var (
	TextColors  = []color.RGBA{InkColor, DimColor, ErrColor, OKColor, ClientColor, ServerColor}
	Backgrounds = []color.RGBA{BgColor, PanelColor, RegionColor, SelColor}
)

// Contrast is the WCAG 2 contrast ratio of two colours.
func Contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.RGBA) float64 {
	ch := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
}

package main

import (
	"bytes"
	"image"
	"image/color"
	_ "image/png" // icons are PNG
	"log"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"

	"mailsim/assets"
	"mailsim/cmd/mailsim-view/view"
	"mailsim/sim/scenario"
)

// graphics holds what is made once: fonts, icons, protocol sprites.
type graphics struct {
	small, normal, bold, mono *text.GoTextFace
	title                     *text.GoTextFace
	icons                     map[scenario.Kind]*ebiten.Image
	internet                  *ebiten.Image
	sprites                   []*ebiten.Image // by view.Proto
	letter, refused           *ebiten.Image   // a message's letter, 60×40

	static              *ebiten.Image // the topology at the current camera
	staticCam           view.Camera
	nodeRects           []image.Rectangle // icons and names on the map, in screen coordinates
	white               *ebiten.Image
	marks               *ebiten.Image // the timeline's marks
	marksLog, marksTick int
	marksModel          *view.Model
	marksPace           *view.Pace // marks sit where this pace puts their times
	text                textCache
}

// Colours of the window: view's palette (tested for contrast there).
var (
	bgColor     = view.BgColor
	panelColor  = view.PanelColor
	inkColor    = view.InkColor
	dimColor    = view.DimColor
	lineColor   = view.LineColor
	regionColor = view.RegionColor
	regionEdge  = view.RegionEdge
	selColor    = view.SelColor
	errColor    = view.ErrColor
	clientColor = view.ClientColor
	serverColor = view.ServerColor
)

func face(src []byte, size float64) *text.GoTextFace {
	s, err := text.NewGoTextFaceSource(bytes.NewReader(src))
	if err != nil {
		log.Fatalf("embedded font: %v", err) // the embedded bytes are fixed at build time
	}
	return &text.GoTextFace{Source: s, Size: size}
}

func decodeIcon(b []byte) *ebiten.Image {
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		log.Fatalf("embedded icon: %v", err)
	}
	return ebiten.NewImageFromImage(img)
}

// monoSource is the Go Mono font; monoAdvance its advance per point size.
var (
	monoSource  *text.GoTextFaceSource
	monoAdvance float64
)

func newGraphics() *graphics {
	gx := &graphics{
		small: face(assets.FontRegular, 13), normal: face(assets.FontRegular, 15),
		bold: face(assets.FontBold, 14), mono: face(assets.FontMono, 13), title: face(assets.FontBold, 22),
		icons: map[scenario.Kind]*ebiten.Image{
			scenario.KindPC: decodeIcon(assets.PC), scenario.KindServer: decodeIcon(assets.Server),
			scenario.KindRouter: decodeIcon(assets.Router), scenario.KindRoot: decodeIcon(assets.Root),
		},
		internet: decodeIcon(assets.Internet),
		white:    ebiten.NewImage(3, 3),
	}
	gx.white.Fill(color.White)
	whitePixel = gx.white
	monoSource = gx.mono.Source
	monoAdvance = text.Advance("M", gx.mono) / gx.mono.Size
	gx.letter = ebiten.NewImageFromImage(view.LetterSprite(60, 40, false))
	gx.refused = ebiten.NewImageFromImage(view.LetterSprite(60, 40, true))
	gx.sprites = make([]*ebiten.Image, view.NumProto)
	for p := range gx.sprites {
		gx.sprites[p] = ebiten.NewImageFromImage(view.Sprite(view.Proto(p), 26, 18))
	}
	return gx
}

// drawText draws s with its top-left corner at (x, y), shaping it anew;
// per-frame text goes through graphics.text instead.
func drawText(dst *ebiten.Image, s string, f *text.GoTextFace, x, y float64, c color.Color) {
	op := &text.DrawOptions{}
	op.GeoM.Translate(x, y)
	op.ColorScale.ScaleWithColor(c)
	text.Draw(dst, s, f, op)
}

// fit cuts s with "…" so it is at most w pixels wide in f.
func fit(s string, f *text.GoTextFace, w float64) string {
	if f.Source == monoSource {
		// Fixed width: count runes instead of shaping.
		adv := monoAdvance * f.Size
		r := []rune(s)
		if float64(len(r))*adv <= w {
			return s
		}
		n := max(0, int(w/adv)-1)
		return string(r[:min(n, len(r))]) + "…"
	}
	if text.Advance(s, f) <= w {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if text.Advance(string(r[:mid])+"…", f) <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(r[:lo]) + "…"
}

// wrap splits s into lines at most w pixels wide.
func wrap(s string, f *text.GoTextFace, w float64) []string {
	var lines []string
	line := ""
	for _, word := range splitWords(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		if line != "" && text.Advance(try, f) > w {
			lines = append(lines, line)
			line = word
		} else {
			line = try
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

func splitWords(s string) []string {
	var out []string
	start := -1
	for i, c := range s {
		if c == ' ' {
			if start >= 0 {
				out = append(out, s[start:i])
			}
			start = -1
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

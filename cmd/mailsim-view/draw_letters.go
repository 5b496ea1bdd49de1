package main

import (
	"fmt"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"mailsim/cmd/mailsim-view/view"
)

// whitePixel is the source image of filled triangles.
var whitePixel *ebiten.Image

var (
	paperColor = color.RGBA{0xFF, 0xF6, 0xD8, 0xFF}
	stampColor = color.RGBA{0xC6, 0x28, 0x28, 0xFF}
	tagEdge    = color.RGBA{0xB2, 0x6B, 0x00, 0xFF}
)

// drawLetters draws every message as a letter with its subject: on its
// way along a link, or at rest beside the node that holds it.
func (g *Game) drawLetters(screen *ebiten.Image) {
	c, mr := g.cam, g.mapRect()
	stack := map[string]int{}
	crowd := map[string]int{}
	for i := range g.spots {
		if s := &g.spots[i]; s.Place != view.Flying {
			crowd[s.Node]++
		}
	}
	many := len(g.spots) > 40 || c.Zoom < 0.5 && len(g.spots) > 6 // the classroom: letters without tags
	for i := range g.spots {
		s := &g.spots[i]
		x, y := c.ToScreen(s.X, s.Y)
		if s.Place != view.Flying {
			k := stack[s.Node]
			stack[s.Node]++
			if k >= 3 {
				continue // the third one carries a badge with the count
			}
			icon := view.IconSize * c.Zoom / 2
			x, y = x-12, y-icon-14+float64(k)*-22
		}
		if !mr.Contains(x, y) {
			continue
		}
		alpha := float32(1 - s.Fade)
		g.drawEnvelope(screen, float32(x), float32(y), alpha, s.Place == view.Refused)
		if many && s.Place == view.Flying || s.Fade > 0.4 {
			continue
		}
		if many && crowd[s.Node] > 3 {
			if stack[s.Node] == 3 || stack[s.Node] == crowd[s.Node] && stack[s.Node] <= 3 {
				g.tag(screen, fmt.Sprintf("%d letters", crowd[s.Node]), "", x+16, y-9, alpha)
			}
			continue
		}
		label := s.J.Subject
		if label == "" {
			label = s.J.ID
		}
		where := s.Place.String()
		if s.Place == view.Queue && s.Retries > 0 {
			where = fmt.Sprintf("queue, retry %d", s.Retries)
		}
		switch {
		case s.Place == view.Flying:
			where = ""
		case s.Place == view.Mailbox && s.Box != "":
			where = s.Box + "'s mailbox"
		case s.Place == view.Inbox && s.Box != "":
			where = s.Box + "'s inbox"
		}
		g.tag(screen, label, where, x+16, y-9, alpha)
	}
}

// drawEnvelope draws a letter centred at (x, y): paper, flap and stamp.
func (g *Game) drawEnvelope(dst *ebiten.Image, x, y, alpha float32, refused bool) {
	const w, h = 28, 19
	x0, y0 := x-w/2, y-h/2
	a := func(c color.RGBA) color.RGBA {
		return color.RGBA{uint8(float32(c.R) * alpha), uint8(float32(c.G) * alpha), uint8(float32(c.B) * alpha), uint8(float32(c.A) * alpha)}
	}
	vector.DrawFilledRect(dst, x0+2, y0+2, w, h, a(color.RGBA{0, 0, 0, 0x40}), false) // shadow
	vector.DrawFilledRect(dst, x0, y0, w, h, a(paperColor), false)
	vector.StrokeRect(dst, x0, y0, w, h, 1.6, a(inkColor), true)
	vector.StrokeLine(dst, x0, y0, x, y0+h*0.55, 1.4, a(inkColor), true)
	vector.StrokeLine(dst, x0+w, y0, x, y0+h*0.55, 1.4, a(inkColor), true)
	vector.DrawFilledRect(dst, x0+w-8, y0+h-8, 6, 6, a(stampColor), false)
	if refused {
		vector.StrokeLine(dst, x0-3, y0-3, x0+w+3, y0+h+3, 3, a(errColor), true)
		vector.StrokeLine(dst, x0+w+3, y0-3, x0-3, y0+h+3, 3, a(errColor), true)
	}
}

// tag writes a letter's subject (bold) and, under it, where it is
// (small), in a box to the right of the letter.
func (g *Game) tag(dst *ebiten.Image, label, where string, x, y float64, alpha float32) {
	gx := g.gfx
	w := text.Advance(label, gx.bold) + 10
	h := float32(20)
	if where != "" {
		w = max(w, text.Advance(where, gx.small)+10)
		h = 36
	}
	bg := panelColor
	bg.A = uint8(235 * alpha)
	vector.DrawFilledRect(dst, float32(x), float32(y), float32(w), h, bg, false)
	edge := tagEdge
	edge.A = uint8(255 * alpha)
	vector.StrokeRect(dst, float32(x), float32(y), float32(w), h, 1.2, edge, false)
	if alpha < 0.5 {
		return
	}
	gx.text.draw(dst, label, gx.bold, x+5, y+1, inkColor)
	if where != "" {
		gx.text.draw(dst, where, gx.small, x+5, y+18, dimColor)
	}
}

// arrowHead draws a small filled triangle at (x, y) pointing along (dx, dy).
func arrowHead(dst *ebiten.Image, x, y, dx, dy float64, c color.Color) {
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	dx, dy = dx/l, dy/l
	const s = 7
	var p vector.Path
	p.MoveTo(float32(x+dx*s), float32(y+dy*s))
	p.LineTo(float32(x-dx*s/2-dy*s*0.7), float32(y-dy*s/2+dx*s*0.7))
	p.LineTo(float32(x-dx*s/2+dy*s*0.7), float32(y-dy*s/2-dx*s*0.7))
	p.Close()
	vs, is := p.AppendVerticesAndIndicesForFilling(nil, nil)
	r, gg, b, a := c.RGBA()
	for i := range vs {
		vs[i].ColorR, vs[i].ColorG, vs[i].ColorB, vs[i].ColorA = float32(r)/0xffff, float32(gg)/0xffff, float32(b)/0xffff, float32(a)/0xffff
		vs[i].SrcX, vs[i].SrcY = 1, 1
	}
	dst.DrawTriangles(vs, is, whitePixel, &ebiten.DrawTrianglesOptions{AntiAlias: true})
}

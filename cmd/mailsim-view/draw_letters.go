package main

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"mailsim/cmd/mailsim-view/view"
)

// whitePixel is the source image of filled triangles.
var whitePixel *ebiten.Image

var tagEdge = color.RGBA{0xB2, 0x6B, 0x00, 0xFF}

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
	g.placed = g.placed[:0]
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
				g.tag(screen, fmt.Sprintf("%d letters", crowd[s.Node]), "", x, y, alpha)
			}
			continue
		}
		label := s.J.Subject
		if s.J.Parent != "" {
			label = "Bounce: " + g.m.Letters().Subject(s.J.Parent)
		}
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
		g.tag(screen, label, where, x, y, alpha)
	}
}

// drawEnvelope draws a letter centred at (x, y) from its sprite (twice
// the size, scaled down: crisp at any interface scale).
func (g *Game) drawEnvelope(dst *ebiten.Image, x, y, alpha float32, refused bool) {
	sp := g.gfx.letter
	if refused {
		sp = g.gfx.refused
	}
	op := &ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
	op.GeoM.Scale(0.5, 0.5)
	op.GeoM.Translate(float64(x)-15, float64(y)-10)
	op.ColorScale.ScaleAlpha(alpha)
	dst.DrawImage(sp, op)
}

// tag writes a letter's subject (bold) and, under it, where it is
// (small), in a box beside the letter at (lx, ly): to its right, else to
// its left, above or below, wherever it stays on the map and clear of the
// tags already drawn.
func (g *Game) tag(dst *ebiten.Image, label, where string, lx, ly float64, alpha float32) {
	gx := g.gfx
	w := advance(label, gx.bold) + 10
	h := float32(20)
	if where != "" {
		w = max(w, advance(where, gx.small)+10)
		h = 36
	}
	x, y := g.placeTag(lx, ly, w, float64(h))
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

// placeTag picks where a w×h tag of the letter at (lx, ly) goes.
func (g *Game) placeTag(lx, ly, w, h float64) (float64, float64) {
	mr := g.mapRect()
	cands := [][2]float64{{lx + 16, ly - 9}, {lx - 16 - w, ly - 9}, {lx + 16, ly - 9 - h - 4}, {lx - 16 - w, ly - 9 - h - 4}, {lx - w/2, ly - 14 - h}, {lx + 16, ly + 14}}
	best := cands[0]
	for i, c := range cands {
		r := image.Rect(int(c[0]), int(c[1]), int(c[0]+w), int(c[1]+h))
		if !r.In(image.Rect(int(mr.X), int(mr.Y), int(mr.X+mr.W), int(mr.Y+mr.H))) {
			continue
		}
		if i == 0 || best == cands[0] && !g.tagFree(image.Rect(int(best[0]), int(best[1]), int(best[0]+w), int(best[1]+h))) {
			best = c
		}
		if g.tagFree(r) {
			best = c
			break
		}
	}
	x, y := max(mr.X, min(best[0], mr.X+mr.W-w)), max(mr.Y, min(best[1], mr.Y+mr.H-h))
	g.placed = append(g.placed, image.Rect(int(x), int(y), int(x+w), int(y+h)))
	return x, y
}

func (g *Game) tagFree(r image.Rectangle) bool {
	for _, p := range g.placed {
		if r.Overlaps(p) {
			return false
		}
	}
	return true
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
	dst.DrawTriangles(vs, is, whitePixel, &ebiten.DrawTrianglesOptions{})
}

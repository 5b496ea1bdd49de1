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
	// Letters at rest first, so that no tag covers one.
	for i := range g.spots {
		if s := &g.spots[i]; s.Place != view.Flying {
			k := stack[s.Node]
			stack[s.Node]++
			if x, y, ok := g.restAt(s, k); ok {
				g.placed = append(g.placed, image.Rect(int(x)-15, int(y)-10, int(x)+15, int(y)+10))
			}
		}
	}
	clear(stack)
	many := len(g.spots) > 40 || c.Zoom < 0.5 && len(g.spots) > 6 // the classroom: letters without tags
	for i := range g.spots {
		s := &g.spots[i]
		x, y := c.ToScreen(s.X, s.Y)
		if s.Place != view.Flying {
			k := stack[s.Node]
			stack[s.Node]++
			var ok bool
			if x, y, ok = g.restAt(s, k); !ok {
				continue // the third one carries a badge with the count
			}
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

// restAt is where the k-th letter at rest at a node is drawn: side by
// side above the icon, a third above those (a taller stack would reach
// the row of nodes above), no more.
func (g *Game) restAt(s *view.Spot, k int) (float64, float64, bool) {
	if k >= 3 {
		return 0, 0, false
	}
	x, y := g.cam.ToScreen(s.X, s.Y)
	icon := view.IconSize * g.cam.Zoom / 2
	return x + [3]float64{-12, 18, 3}[k], y - icon - 10 - [3]float64{0, 0, 22}[k], true
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
	x, y := g.placeTag(dst, lx, ly, w, float64(h))
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

// placeTag picks where a w×h tag of the letter at (lx, ly) goes: beside
// it if that is clear of other tags and of the nodes' icons and names,
// else farther off (with a line back to the letter, see leader), else
// wherever it covers least.
func (g *Game) placeTag(dst *ebiten.Image, lx, ly, w, h float64) (float64, float64) {
	mr := g.mapRect()
	near := [][2]float64{{lx + 16, ly - 9}, {lx - 16 - w, ly - 9}, {lx + 16, ly - 9 - h - 4}, {lx - 16 - w, ly - 9 - h - 4}, {lx - w/2, ly - 14 - h}, {lx + 16, ly + 14},
		{lx + 40, ly - 9 - h - 4}, {lx - 40 - w, ly - 9 - h - 4}} // past a name beside the letter
	far := [][2]float64{{lx - w/2, ly + 58}, {lx - w/2, ly - 14 - 2*h - 8}, {lx - w/2, ly + 58 + h + 4}, {lx - w/2, ly - 14 - 3*h - 12}}
	best, bestCost := near[0], math.Inf(1)
	for i, c := range append(near, far...) {
		r := image.Rect(int(c[0]), int(c[1]), int(c[0]+w), int(c[1]+h))
		if !r.In(image.Rect(int(mr.X), int(mr.Y), int(mr.X+mr.W), int(mr.Y+mr.H))) {
			continue
		}
		cost := g.tagCover(r)
		if i >= len(near) {
			// A far tag reads less easily, the more so when its line
			// back to the letter crosses names.
			cost += 50 + g.leaderCross(r, lx, ly)
		}
		if cost < bestCost {
			best, bestCost = c, cost
		}
		if cost == 0 {
			break
		}
	}
	x, y := max(mr.X, min(best[0], mr.X+mr.W-w)), max(mr.Y, min(best[1], mr.Y+mr.H-h))
	r := image.Rect(int(x), int(y), int(x+w), int(y+h))
	if !r.Inset(-20).Overlaps(image.Rect(int(lx)-15, int(ly)-10, int(lx)+15, int(ly)+10)) {
		leader(dst, r, lx, ly)
	}
	g.placed = append(g.placed, r)
	return x, y
}

// leader draws a thin line from a tag placed away from its letter back
// to the letter.
func leader(dst *ebiten.Image, r image.Rectangle, lx, ly float64) {
	x, y := leaderStart(r, ly)
	vector.StrokeLine(dst, float32(x), float32(y), float32(lx), float32(ly), 1.2, tagEdge, true)
}

// leaderCross is how much the leader from r to (lx, ly) crosses the
// nodes' icons and names: 100 for every 4 pixels of it on one.
func (g *Game) leaderCross(r image.Rectangle, lx, ly float64) float64 {
	x0, y0 := leaderStart(r, ly)
	n := int(math.Hypot(lx-x0, ly-y0) / 4)
	cost := 0.0
	for i := 1; i < n; i++ {
		f := float64(i) / float64(n)
		p := image.Pt(int(x0+f*(lx-x0)), int(y0+f*(ly-y0)))
		for _, q := range g.gfx.nodeRects {
			if p.In(q) {
				cost += 100
				break
			}
		}
	}
	return cost
}

// leaderStart is where a leader leaves tag r for a letter at height ly:
// the middle of its lower edge, or of its upper one if below the letter.
func leaderStart(r image.Rectangle, ly float64) (float64, float64) {
	if float64(r.Min.Y) > ly {
		return float64(r.Min.X + r.Dx()/2), float64(r.Min.Y)
	}
	return float64(r.Min.X + r.Dx()/2), float64(r.Max.Y)
}

// tagCover is how much of r other tags (counted thrice) and the nodes'
// icons and names cover, in square pixels.
func (g *Game) tagCover(r image.Rectangle) float64 {
	area := func(q image.Rectangle) float64 { return float64(q.Dx() * q.Dy()) }
	cover := 0.0
	for _, p := range g.placed {
		cover += 3 * area(r.Intersect(p))
	}
	for _, p := range g.gfx.nodeRects {
		cover += area(r.Intersect(p.Inset(-nameMargin)))
	}
	return cover
}

// nameMargin keeps tags a few pixels clear of names and icons: a tag
// touching a name hid its last letter.
const nameMargin = 3

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

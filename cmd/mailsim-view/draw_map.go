package main

import (
	"fmt"
	"image"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"mailsim/cmd/mailsim-view/view"
)

// drawMap draws the cached topology, then the segments in flight.
func (g *Game) drawMap(screen *ebiten.Image) {
	gx := g.gfx
	r := g.mapRect()
	if gx.static == nil || gx.static.Bounds().Dx() != int(r.W) || gx.static.Bounds().Dy() != int(r.H) || gx.staticCam != g.cam {
		if gx.static == nil || gx.static.Bounds().Dx() != int(r.W) || gx.static.Bounds().Dy() != int(r.H) {
			if gx.static != nil {
				gx.static.Deallocate()
			}
			gx.static = ebiten.NewImage(int(r.W), int(r.H))
		}
		g.renderStatic(gx.static)
		gx.staticCam = g.cam
	}
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(r.X, r.Y)
	screen.DrawImage(gx.static, op)
	g.drawFlights(screen)
	g.drawMarks(screen)
	g.drawLetters(screen)
	g.drawLegend(screen)
}

// renderStatic draws regions, links, icons and labels into img, whose
// origin is the map's top-left corner.
func (g *Game) renderStatic(img *ebiten.Image) {
	gx, t, c := g.gfx, g.m.Topo, g.cam
	img.Fill(bgColor)
	ox, oy := c.View.X, c.View.Y
	gx.nodeRects = gx.nodeRects[:0]
	at := func(x, y float64) (float32, float32) {
		sx, sy := c.ToScreen(x, y)
		return float32(sx - ox), float32(sy - oy)
	}
	for _, reg := range t.Regions {
		x, y := at(reg.X, reg.Y)
		w, h := float32(reg.W*c.Zoom), float32(reg.H*c.Zoom)
		vector.DrawFilledRect(img, x, y, w, h, regionColor, true)
		vector.StrokeRect(img, x, y, w, h, 1.5, regionEdge, true)
		label := reg.ISP
		if reg.Domain != "" {
			label += "  (" + reg.Domain + ")"
		}
		if c.Zoom > 0.12 {
			// Above the box when zoomed out, so it never covers the router.
			ly := float64(y) + 5
			if c.Zoom < 0.7 {
				ly = float64(y) - 17
			}
			label = fit(label, gx.bold, max(float64(w), 120))
			drawText(img, label, gx.bold, float64(x)+4, ly, inkColor)
			sx, sy := int(float64(x)+ox)+4, int(ly+oy)
			gx.nodeRects = append(gx.nodeRects, image.Rect(sx, sy, sx+int(advance(label, gx.bold)), sy+16))
		}
	}
	for _, l := range t.Links {
		a, b := &t.Nodes[l.A], &t.Nodes[l.B]
		x0, y0 := at(a.X, a.Y)
		x1, y1 := at(b.X, b.Y)
		vector.StrokeLine(img, x0, y0, x1, y1, float32(max(1, 2*c.Zoom)), lineColor, true)
	}
	size := view.IconSize * c.Zoom
	for i := range t.Nodes {
		n := &t.Nodes[i]
		icon := gx.icons[n.Kind]
		if n.Name == "internet" {
			icon = gx.internet
			size *= 1.6
		}
		if icon == nil {
			icon = gx.icons["server"]
		}
		x, y := at(n.X, n.Y)
		op := &ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
		s := size / float64(icon.Bounds().Dx())
		op.GeoM.Scale(s, s)
		op.GeoM.Translate(float64(x)-size/2, float64(y)-size/2)
		img.DrawImage(icon, op)
		// Where icons and names are, on the screen, for letters' tags
		// to keep clear of.
		sx, sy := int(float64(x)+ox), int(float64(y)+oy)
		gx.nodeRects = append(gx.nodeRects, image.Rect(sx-int(size/2), sy-int(size/2), sx+int(size/2), sy+int(size/2)))
		if c.Zoom >= 0.42 {
			label := t.Label(n)
			lw := advance(label, gx.small)
			drawText(img, label, gx.small, float64(x)-lw/2, float64(y)+size/2+1, dimColor)
			gx.nodeRects = append(gx.nodeRects, image.Rect(sx-int(lw/2), sy+int(size/2)+1, sx+int(lw/2), sy+int(size/2)+15))
		}
		if n.Name == "internet" {
			size /= 1.6
		}
	}
}

// drawFlights draws each segment in flight as its protocol's shape, and
// labels them (port and protocol line) when there are few enough to read.
func (g *Game) drawFlights(screen *ebiten.Image) {
	gx, c := g.gfx, g.cam
	mr := g.mapRect()
	// Commands and replies are small marks with an arrowhead; the hops
	// that carry a message's data are drawn as its letter (drawLetters).
	s := max(0.5, min(0.9, c.Zoom*0.9))
	labelAll := len(g.flights) <= 12
	sel := g.m.Selected
	op := &ebiten.DrawImageOptions{Filter: ebiten.FilterLinear}
	few := len(g.flights) <= 200
	for i := range g.flights {
		f := &g.flights[i]
		if f.Ev.Msg != "" && g.m.Letters() != nil {
			continue
		}
		x, y := c.ToScreen(f.X, f.Y)
		if !mr.Contains(x, y) {
			continue
		}
		p := f.Proto
		if f.Ctl {
			p = view.Control
		}
		sp := gx.sprites[p]
		op.GeoM.Reset()
		op.GeoM.Translate(-13, -9)
		op.GeoM.Scale(s, s)
		op.GeoM.Translate(x, y)
		screen.DrawImage(sp, op)
		if few {
			if a, b := g.m.Topo.Node(f.Ev.From), g.m.Topo.Node(f.Ev.To); a != nil && b != nil {
				dx, dy := b.X-a.X, b.Y-a.Y
				l := math.Hypot(dx, dy)
				if l > 0 {
					arrowHead(screen, x+dx/l*16*s, y+dy/l*16*s, dx, dy, inkColor)
				}
			}
		}
	}
	for i := range g.flights {
		f := &g.flights[i]
		if f.Ev.Msg != "" && g.m.Letters() != nil {
			continue
		}
		if !labelAll && (sel == nil || !view.SameConversation(f.Ev, sel)) {
			continue
		}
		x, y := c.ToScreen(f.X, f.Y)
		if !mr.Contains(x, y) {
			continue
		}
		label := fmt.Sprintf("%d  %s", view.ServicePort(f.Ev), f.Ev.Summary)
		label = fit(label, gx.small, 260)
		w := float32(advance(label, gx.small)) + 8
		lx, ly := float32(x)+12, float32(y)+8
		vector.DrawFilledRect(screen, lx, ly, w, 15, panelColor, false)
		vector.StrokeRect(screen, lx, ly, w, 15, 1, f.Proto.Color(), false)
		gx.text.draw(screen, label, gx.small, float64(lx)+4, float64(ly)+1, inkColor)
	}
}

// drawLegend explains shapes and colours, bottom-left of the map.
func (g *Game) drawLegend(screen *ebiten.Image) {
	gx := g.gfx
	mr := g.mapRect()
	rows := append(view.Services(), view.Control)
	names := make([]string, len(rows))
	nameW, descW := 0.0, 0.0
	for i, p := range rows {
		names[i] = p.String()
		if p.Port() != 0 {
			names[i] = fmt.Sprintf("%s %d", p, p.Port())
		}
		nameW = max(nameW, advance(names[i], gx.bold))
		descW = max(descW, advance(p.Describe(), gx.small))
	}
	h := float32(len(rows)*18 + 8)
	w := float32(32 + nameW + 12 + descW + 10)
	x0, y0 := float32(mr.X)+8, float32(mr.Y+mr.H)-h-8
	vector.DrawFilledRect(screen, x0, y0, w, h, panelColor, false)
	vector.StrokeRect(screen, x0, y0, w, h, 1, lineColor, false)
	for i, p := range rows {
		y := float64(y0) + 4 + float64(i)*18
		op := &ebiten.DrawImageOptions{}
		op.GeoM.Scale(0.8, 0.8)
		op.GeoM.Translate(float64(x0)+6, y+1)
		screen.DrawImage(gx.sprites[p], op)
		gx.text.draw(screen, names[i], gx.bold, float64(x0)+32, y, inkColor)
		gx.text.draw(screen, p.Describe(), gx.small, float64(x0)+32+nameW+12, y+2, dimColor)
	}
}

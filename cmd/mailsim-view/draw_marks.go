package main

import (
	"image/color"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"mailsim/cmd/mailsim-view/view"
)

// drawMarks shows how the run is going on the map: a stopped service
// (a red badge on its host), a link that is down (a red cross on it),
// a refused or reset connection (a red ✗ where the RST arrived).
func (g *Game) drawMarks(screen *ebiten.Image) {
	m, c, gx := g.m, g.cam, g.gfx
	t := m.Topo
	for host, svcs := range g.down.Services {
		n := t.Node(host)
		if n == nil {
			continue
		}
		x, y := c.ToScreen(n.X, n.Y)
		label := strings.Join(svcs, ", ") + " stopped"
		w := advance(label, gx.bold) + 10
		bx, by := x-w/2, y+view.IconSize*c.Zoom/2+18 // under its label
		vector.DrawFilledRect(screen, float32(bx), float32(by), float32(w), 20, errColor, false)
		gx.text.draw(screen, label, gx.bold, bx+5, by+1, color.White)
	}
	for _, l := range t.Links {
		if !g.down.Links[l.Name] {
			continue
		}
		a, b := &t.Nodes[l.A], &t.Nodes[l.B]
		x, y := c.ToScreen((a.X+b.X)/2, (a.Y+b.Y)/2)
		cross(screen, x, y, 9, errColor, 1)
	}
	for _, r := range g.refusals {
		n := t.Node(r.Node)
		if n == nil {
			continue
		}
		x, y := c.ToScreen(n.X, n.Y)
		cross(screen, x-view.IconSize*c.Zoom/2-6, y-view.IconSize*c.Zoom/2, 8, errColor, float32(1-r.Fade))
	}
}

// cross draws a thick red ✗ centred at (x, y).
func cross(dst *ebiten.Image, x, y, r float64, c color.RGBA, alpha float32) {
	c.A = uint8(255 * alpha)
	c.R, c.G, c.B = uint8(float32(c.R)*alpha), uint8(float32(c.G)*alpha), uint8(float32(c.B)*alpha)
	vector.StrokeLine(dst, float32(x-r), float32(y-r), float32(x+r), float32(y+r), 4, c, true)
	vector.StrokeLine(dst, float32(x+r), float32(y-r), float32(x-r), float32(y+r), 4, c, true)
}

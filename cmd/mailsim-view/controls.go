package main

import (
	"image"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"mailsim/cmd/mailsim-view/view"
	"mailsim/sim"
)

// button is an on-screen control: the same actions as the keys.
type button struct {
	label func(m *view.Model) string
	key   string // shown in the tooltip line
	do    func(g *Game)
}

var buttons = []button{
	{func(*view.Model) string { return "Restart" }, "R", func(g *Game) { g.m.Restart(); g.back = 0 }},
	{func(*view.Model) string { return "◄ Back" }, "←", func(g *Game) { g.m.StepBack(); g.back = 0 }},
	{func(m *view.Model) string {
		if m.Playing {
			return "Pause"
		}
		return "Play ►"
	}, "Space", func(g *Game) { g.playPause() }},
	{func(*view.Model) string { return "Next ►" }, "→", func(g *Game) { g.m.StepEvent(); g.back = 0 }},
	{func(*view.Model) string { return "Slower" }, "[", func(g *Game) { g.m.Slower() }},
	{func(*view.Model) string { return "Faster" }, "]", func(g *Game) { g.m.Faster() }},
	{func(m *view.Model) string {
		if m.Story {
			return "Story pace"
		}
		return "Real time"
	}, "S", func(g *Game) { g.m.ToggleStory() }},
}

func (g *Game) playPause() {
	m := g.m
	if m.T >= m.Until() {
		m.Restart()
	} else {
		m.Playing = !m.Playing
	}
}

// buttonRects are the buttons' places in the bottom bar.
func (g *Game) buttonRects() []image.Rectangle {
	var rs []image.Rectangle
	x, y := 12, g.h-bottomH+52
	for _, b := range buttons {
		w := int(advance(b.label(g.m), g.gfx.bold)) + 20
		w = max(w, 64)
		rs = append(rs, image.Rect(x, y, x+w, y+26))
		x += w + 6
	}
	return rs
}

// drawButtons draws the controls; the one under the cursor is lit.
func (g *Game) drawButtons(screen *ebiten.Image) {
	cx, cy := ebiten.CursorPosition()
	for i, r := range g.buttonRects() {
		bg := regionColor
		if image.Pt(cx, cy).In(r) {
			bg = selColor
		}
		fillRect(screen, r, bg)
		vector.StrokeRect(screen, float32(r.Min.X), float32(r.Min.Y), float32(r.Dx()), float32(r.Dy()), 1, regionEdge, false)
		l := buttons[i].label(g.m)
		g.gfx.text.draw(screen, l, g.gfx.bold, float64(r.Min.X)+(float64(r.Dx())-advance(l, g.gfx.bold))/2, float64(r.Min.Y)+4, inkColor)
	}
	rs := g.buttonRects()
	last := rs[len(rs)-1]
	g.gfx.text.draw(screen, "Keys: Space R ← → [ ] S · T handshakes · H help · Ctrl +/− text size", g.gfx.small, float64(last.Max.X)+14, float64(last.Min.Y)+5, dimColor)
}

// clickButton runs the button at (x, y), reporting whether there was one.
func (g *Game) clickButton(x, y int) bool {
	for i, r := range g.buttonRects() {
		if image.Pt(x, y).In(r) {
			buttons[i].do(g)
			return true
		}
	}
	return false
}

// tickSteps are the spacings tick labels may use, coarse first.
var tickSteps = []time.Duration{
	time.Hour, 30 * time.Minute, 10 * time.Minute, 5 * time.Minute, 2 * time.Minute, time.Minute,
	30 * time.Second, 10 * time.Second, 5 * time.Second, 2 * time.Second, time.Second,
	500 * time.Millisecond, 200 * time.Millisecond, 100 * time.Millisecond,
}

// drawTicks labels the timeline with virtual times where they fit: in
// story pace busy seconds are wide and idle minutes narrow, so the
// labels crowd where much happens and thin out where nothing does. The
// places are worked out once per model, pace and width.
func (g *Game) drawTicks(screen *ebiten.Image, tr image.Rectangle) {
	k := tickKey{g.m, g.m.Pace, tr.Dx()}
	if g.tickKey != k {
		g.tickKey, g.ticksAt = k, g.placeTicks(tr)
	}
	for _, t := range g.ticksAt {
		x := float32(tr.Min.X) + float32(t.x)
		vector.StrokeLine(screen, x, float32(tr.Max.Y), x, float32(tr.Max.Y)+4, 1, inkColor, false)
		g.gfx.text.draw(screen, t.label, g.gfx.small, float64(tr.Min.X)+t.lx, float64(tr.Max.Y)+4, dimColor)
	}
}

type tickKey struct {
	m    *view.Model
	pace *view.Pace
	w    int
}

type tick struct {
	x, lx float64 // the mark and its label's left edge, from the bar's left
	label string
}

func (g *Game) placeTicks(tr image.Rectangle) []tick {
	m := g.m
	u := m.Until()
	w := float64(tr.Dx())
	var out []tick
	fits := func(x float64) bool {
		for _, o := range out {
			if x > o.x-54 && x < o.x+54 {
				return false
			}
		}
		return true
	}
	put := func(t time.Duration) {
		x := w * timeFrac(m, t)
		if !fits(x) || len(out) > 40 {
			return
		}
		l := sim.HumanTime(t)
		lw := advance(l, g.gfx.small)
		out = append(out, tick{x, max(0, min(x-lw/2, w-lw)), l})
	}
	put(0)
	put(u)
	for _, s := range tickSteps {
		if u/s > 20000 {
			break
		}
		for t := s; t < u; t += s {
			put(t)
		}
	}
	return out
}

package main

import (
	"image"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"mailsim/cmd/mailsim-view/view"
	"mailsim/sim"
)

// chipKeys toggle the protocol filters, by view.Proto: the keys of the
// service table (1 SMTP, 2 Submission, …).
var chipKeys = func() []ebiten.Key {
	var ks []ebiten.Key
	for _, p := range view.Services() {
		var k ebiten.Key
		if err := k.UnmarshalText([]byte("Digit" + p.Key())); err != nil {
			panic("service table: filter key " + p.Key() + ": " + err.Error())
		}
		ks = append(ks, k)
	}
	return ks
}()

func pressed(k ebiten.Key) bool {
	return inpututil.IsKeyJustPressed(k) || inpututil.KeyPressDuration(k) > 20 && inpututil.KeyPressDuration(k)%4 == 0
}

// input turns keys and the mouse into model calls.
func (g *Game) input() {
	m := g.m
	shift := ebiten.IsKeyPressed(ebiten.KeyShift) || ebiten.IsKeyPressed(ebiten.KeyControl)
	ctrl := ebiten.IsKeyPressed(ebiten.KeyControl) || ebiten.IsKeyPressed(ebiten.KeyMeta)
	switch {
	case ctrl && (inpututil.IsKeyJustPressed(ebiten.KeyEqual) || inpututil.IsKeyJustPressed(ebiten.KeyKPAdd)):
		g.scaleUI(+1)
	case ctrl && (inpututil.IsKeyJustPressed(ebiten.KeyMinus) || inpututil.IsKeyJustPressed(ebiten.KeyKPSubtract)):
		g.scaleUI(-1)
	case ctrl && inpututil.IsKeyJustPressed(ebiten.Key0):
		g.ui = 0 // automatic
	case inpututil.IsKeyJustPressed(ebiten.KeySpace):
		g.playPause()
	case inpututil.IsKeyJustPressed(ebiten.KeyH), inpututil.IsKeyJustPressed(ebiten.KeySlash):
		g.help = !g.help
	case inpututil.IsKeyJustPressed(ebiten.KeyEscape):
		g.help, m.Node, g.inspect, m.Selected = false, "", nil, nil
	case inpututil.IsKeyJustPressed(ebiten.KeyR):
		m.Restart()
		g.back = 0
	case inpututil.IsKeyJustPressed(ebiten.KeyS):
		m.ToggleStory()
	case inpututil.IsKeyJustPressed(ebiten.KeyT):
		m.ShowControl = !m.ShowControl
	case inpututil.IsKeyJustPressed(ebiten.KeyBracketRight):
		m.Faster()
	case inpututil.IsKeyJustPressed(ebiten.KeyBracketLeft):
		m.Slower()
	case inpututil.IsKeyJustPressed(ebiten.Key0):
		g.camOK = false
	case !shift && pressed(ebiten.KeyArrowRight):
		m.StepEvent()
		g.back = 0
	case !shift && pressed(ebiten.KeyArrowLeft):
		m.StepBack()
		g.back = 0
	case pressed(ebiten.KeyPageUp):
		g.back += 10
	case pressed(ebiten.KeyPageDown):
		g.back = max(0, g.back-10)
	case pressed(ebiten.KeyEqual), pressed(ebiten.KeyKPAdd):
		g.zoom(1.25)
	case pressed(ebiten.KeyMinus), pressed(ebiten.KeyKPSubtract):
		g.zoom(0.8)
	}
	for i, k := range chipKeys {
		if inpututil.IsKeyJustPressed(k) {
			m.Filter[i] = !m.Filter[i]
		}
	}
	if shift {
		const step = 12
		for k, d := range map[ebiten.Key][2]float64{ebiten.KeyArrowLeft: {step, 0}, ebiten.KeyArrowRight: {-step, 0}, ebiten.KeyArrowUp: {0, step}, ebiten.KeyArrowDown: {0, -step}} {
			if ebiten.IsKeyPressed(k) {
				g.cam.Pan(d[0], d[1])
				g.camOK = true
			}
		}
	}
	g.mouse()
}

func (g *Game) zoom(f float64) {
	r := g.mapRect()
	g.cam.ZoomAt(f, r.X+r.W/2, r.Y+r.H/2)
}

// mouse: wheel zooms, drag pans the map or scrubs the timeline, clicks
// pick nodes, events and filter chips.
func (g *Game) mouse() {
	m := g.m
	x, y := ebiten.CursorPosition()
	pt := image.Pt(x, y)
	mr := g.mapRect()
	if _, wy := ebiten.Wheel(); wy != 0 {
		switch {
		case mr.Contains(float64(x), float64(y)):
			f := 1.15
			if wy < 0 {
				f = 1 / f
			}
			g.cam.ZoomAt(f, float64(x), float64(y))
		case pt.In(g.listRect()):
			g.back = max(0, g.back+int(wy*3))
		case pt.In(g.panelRect()):
			g.detail = max(0, min(g.detailMax, g.detail-int(wy*3)))
		}
	}
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		g.drag.on, g.drag.x, g.drag.y, g.drag.moved = true, x, y, false
		g.drag.scrubbing = pt.In(g.timelineRect().Inset(-6))
		g.drag.fromMapSet = mr.Contains(float64(x), float64(y))
	}
	if g.drag.on && ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft) {
		dx, dy := x-g.drag.x, y-g.drag.y
		switch {
		case g.drag.scrubbing:
			tr := g.timelineRect()
			f := float64(x-tr.Min.X) / float64(tr.Dx())
			p0, p1 := m.Pace.P(0), m.Pace.P(m.Until())
			m.SeekP(p0 + time.Duration(max(0, min(1, f))*float64(p1-p0)))
			m.Playing = false
			g.back = 0
		case g.drag.fromMapSet && (g.drag.moved || dx*dx+dy*dy > 16):
			g.cam.Pan(float64(dx), float64(dy))
			g.drag.x, g.drag.y, g.drag.moved = x, y, true
		}
	}
	if g.drag.on && inpututil.IsMouseButtonJustReleased(ebiten.MouseButtonLeft) {
		if !g.drag.moved && !g.drag.scrubbing {
			g.click(x, y)
		}
		g.drag.on = false
	}
}

func (g *Game) click(x, y int) {
	m := g.m
	pt := image.Pt(x, y)
	if g.clickButton(x, y) {
		return
	}
	for i, r := range g.chipRects() {
		if pt.In(r) {
			m.Filter[i] = !m.Filter[i]
			return
		}
	}
	if mr := g.mapRect(); mr.Contains(float64(x), float64(y)) {
		// A segment in flight: its packet, layer by layer.
		for i := len(g.flights) - 1; i >= 0; i-- {
			f := &g.flights[i]
			fx, fy := g.cam.ToScreen(f.X, f.Y)
			if dx, dy := fx-float64(x), fy-float64(y); dx*dx+dy*dy <= 12*12 {
				m.Select(f.Ev)
				m.Node, g.inspect, g.detail, m.Playing = "", nil, 0, false
				return
			}
		}
		wx, wy := g.cam.ToWorld(float64(x), float64(y))
		if i := m.Topo.NodeAt(wx, wy); i >= 0 {
			m.Node, g.detail = m.Topo.Nodes[i].Name, 0
			g.inspect = m.Inspect()
			g.inspectAt.t, g.inspectAt.tick = m.T, g.ticks
		} else {
			m.Node, g.inspect = "", nil
		}
		return
	}
	if r := g.listRect(); pt.In(r) {
		i := (y - r.Min.Y - listHeader) / rowH
		if i >= 0 && i < len(g.rows) {
			// The row's moment: the map shows it, paused, its packet is
			// in the panel.
			e := g.rows[i]
			m.Select(e)
			m.Node, g.inspect, g.detail = "", nil, 0
			m.Playing = false
			m.Seek(e.Depart)
			g.back = max(0, g.back-(len(g.rows)-1-i))
			g.showOnMap(e)
		}
	}
}

// showOnMap pans the map so an event's link is in view.
func (g *Game) showOnMap(e *sim.Event) {
	t := g.m.Topo
	a, b := t.Node(e.From), t.Node(e.To)
	if a == nil || b == nil {
		if a = t.Node(e.Host); a == nil {
			return
		}
		b = a
	}
	x, y := g.cam.ToScreen((a.X+b.X)/2, (a.Y+b.Y)/2)
	if mr := g.mapRect(); !mr.Contains(x, y) {
		g.cam.CX, g.cam.CY = (a.X+b.X)/2, (a.Y+b.Y)/2
		g.camOK = true
	}
}

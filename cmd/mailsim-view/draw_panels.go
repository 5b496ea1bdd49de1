package main

import (
	"fmt"
	"image"
	"image/color"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"mailsim/cmd/mailsim-view/view"
	"mailsim/sim"
)

const (
	rowH       = 16
	listHeader = 22
)

func fillRect(dst *ebiten.Image, r image.Rectangle, c color.Color) {
	vector.DrawFilledRect(dst, float32(r.Min.X), float32(r.Min.Y), float32(r.Dx()), float32(r.Dy()), c, false)
}

// chipLabel is a filter chip's text: its key and protocol, "1 SMTP".
func chipLabel(p view.Proto) string { return p.Key() + " " + p.String() }

// chipRects are the clickable protocol filters in the top bar.
func (g *Game) chipRects() []image.Rectangle {
	var rs []image.Rectangle
	x := 0
	for _, p := range view.Services() {
		w := int(advance(chipLabel(p), g.gfx.bold)) + 16
		rs = append(rs, image.Rect(x, 5, x+w, 25))
		x += w + 6
	}
	// Right-aligned in the top bar.
	for i := range rs {
		rs[i] = rs[i].Add(image.Pt(g.w-x-4, 0))
	}
	return rs
}

// drawTop: title, time, speed, state and the filter chips.
func (g *Game) drawTop(screen *ebiten.Image) {
	gx, m := g.gfx, g.m
	fillRect(screen, image.Rect(0, 0, g.w, topH), panelColor)
	state := "playing"
	if !m.Playing {
		state = "paused"
	}
	if m.Live {
		state += " (live)"
	}
	mode := "real time"
	if m.Story {
		mode = "story pace"
	}
	head := fmt.Sprintf("%s   t = %s / %s   %s, %s %g× (S)", m.Topo.Title, view.FmtTime(m.T), view.FmtTime(m.Until()), state, mode, m.Speed())
	if m.Live {
		head = fmt.Sprintf("%s   t = %s   %s", m.Topo.Title, view.FmtTime(m.T), state)
	}
	chips := g.chipRects()
	room := float64(chips[0].Min.X - 80)
	drawText(screen, fit(head, gx.bold, room), gx.bold, 10, 7, inkColor) // changes every frame: not cached
	gx.text.draw(screen, "H: help", gx.small, float64(chips[0].Min.X-66), 8, dimColor)
	for i, r := range g.chipRects() {
		p := view.Proto(i)
		bg, fg := panelColor, dimColor
		if m.Filter[p] {
			bg, fg = p.Color(), inkColor
		}
		vector.DrawFilledRect(screen, float32(r.Min.X), float32(r.Min.Y), float32(r.Dx()), float32(r.Dy()), bg, false)
		vector.StrokeRect(screen, float32(r.Min.X), float32(r.Min.Y), float32(r.Dx()), float32(r.Dy()), 1, inkColor, false)
		gx.text.draw(screen, chipLabel(p), gx.bold, float64(r.Min.X)+8, float64(r.Min.Y)+3, fg)
	}
	vector.StrokeLine(screen, 0, topH, float32(g.w), topH, 1, lineColor, false)
}

func (g *Game) listRect() image.Rectangle {
	p := g.panelRect()
	return image.Rect(p.Min.X, p.Min.Y, p.Max.X, p.Min.Y+p.Dy()*52/100)
}

// routeW is the width of the event list's "from → to" column: narrower
// in a narrow panel, so the summary keeps some room. The header uses the
// rows' own format, so the columns line up.
func (g *Game) routeW() int {
	if g.panelW() < 420 {
		return 18
	}
	return 24
}

// drawPanel: the event list, then the selected packet layer by layer and
// its conversation, or the inspector of the clicked node.
func (g *Game) drawPanel(screen *ebiten.Image) {
	gx, m := g.gfx, g.m
	p := g.panelRect()
	fillRect(screen, p, panelColor)
	vector.StrokeLine(screen, float32(p.Min.X), float32(p.Min.Y), float32(p.Min.X), float32(p.Max.Y), 1, lineColor, false)
	lr := g.listRect()
	x := float64(lr.Min.X) + 8
	head := fmt.Sprintf("%8s %-*s %-5s %s", "time", g.routeW(), "from → to", "proto", "summary")
	gx.text.draw(screen, fit(head, gx.mono, float64(lr.Dx()-16)), gx.mono, x, float64(lr.Min.Y)+4, inkColor)
	vector.StrokeLine(screen, float32(lr.Min.X), float32(lr.Min.Y+listHeader-1), float32(lr.Max.X), float32(lr.Min.Y+listHeader-1), 1, lineColor, false)
	n := (lr.Dy() - listHeader) / rowH
	g.rows = m.Rows(n, g.back)
	for i, e := range g.rows {
		y := float64(lr.Min.Y + listHeader + i*rowH)
		switch {
		case e == m.Selected:
			fillRect(screen, image.Rect(lr.Min.X+1, int(y), lr.Max.X, int(y)+rowH), selColor)
		case i == len(g.rows)-1 && g.back == 0: // the moment shown
			fillRect(screen, image.Rect(lr.Min.X+1, int(y), lr.Max.X, int(y)+rowH), regionColor)
		}
		if i == len(g.rows)-1 && g.back == 0 {
			fillRect(screen, image.Rect(lr.Min.X+1, int(y), lr.Min.X+5, int(y)+rowH), inkColor)
		}
		gx.text.draw(screen, g.rowText(e), gx.mono, x, y+1, rowColor(e))
	}
	vector.StrokeLine(screen, float32(lr.Min.X), float32(lr.Max.Y), float32(lr.Max.X), float32(lr.Max.Y), 1, lineColor, false)
	y := float64(lr.Max.Y) + 6
	maxLines := (p.Max.Y - int(y) - 24) / rowH
	width := float64(p.Dx() - 20)
	var lines []string
	var cols []color.Color
	add := func(s string, c color.Color) { lines, cols = append(lines, s), append(cols, c) }
	switch {
	case m.Node != "":
		gx.text.draw(screen, "Inspector: "+m.Node+" at "+view.FmtTime(m.T), gx.bold, x, y, inkColor)
		for _, l := range g.inspect {
			add(l, inkColor)
		}
	case m.Selected != nil && m.Selected.Kind == sim.KindHop:
		e := m.Selected
		gx.text.draw(screen, fmt.Sprintf("Packet at %s, layer by layer", view.FmtTime(e.Depart)), gx.bold, x, y, inkColor)
		for _, l := range view.Layers(e) {
			add(fmt.Sprintf("%-5s %s", l.Name, l.Text), clientColor)
		}
		add("", inkColor)
		add(fmt.Sprintf("Conversation %s ↔ %s, port %d:", shortName(e.SrcHost), shortName(e.DstHost), view.ServicePort(e)), inkColor)
		for _, l := range m.Transcript(400) {
			who, c := "S: ", color.Color(serverColor)
			if l.Client {
				who, c = "C: ", clientColor
			}
			add(who+l.Text, c)
		}
	default:
		gx.text.draw(screen, "Click an event above or a packet on the map:", gx.normal, x, y, dimColor)
		gx.text.draw(screen, "its layers and its whole conversation. Click a", gx.normal, x, y+20, dimColor)
		gx.text.draw(screen, "computer on the map to look inside it.", gx.normal, x, y+40, dimColor)
		return
	}
	// Long lines wrap, continued with an indent.
	var wl []string
	var wc []color.Color
	for i, l := range lines {
		for j, part := range wrapMono(l, gx.mono, width) {
			if j > 0 {
				part = "      " + part
			}
			wl, wc = append(wl, part), append(wc, cols[i])
		}
	}
	lines, cols = wl, wc
	if len(lines) > maxLines {
		maxLines-- // room for the scroll hint
	}
	g.detailMax = max(0, len(lines)-maxLines)
	off := min(g.detail, g.detailMax)
	for i := 0; i < maxLines && off+i < len(lines); i++ {
		gx.text.draw(screen, fit(lines[off+i], gx.mono, width), gx.mono, x, y+24+float64(i*rowH), cols[off+i])
	}
	if g.detailMax > 0 {
		gx.text.draw(screen, fmt.Sprintf("lines %d–%d of %d: wheel to scroll", off+1, min(off+maxLines, len(lines)), len(lines)), gx.small, x, float64(p.Max.Y)-20, dimColor)
	}
}

func (g *Game) rowText(e *sim.Event) string {
	t := fmt.Sprintf("%8.3f", e.Depart.Seconds())
	var s string
	switch e.Kind {
	case sim.KindHop:
		route := shortName(e.SrcHost) + "→" + shortName(e.DstHost)
		s = fmt.Sprintf("%s %-*s %-5s %s", t, g.routeW(), route, view.Classify(e), e.Summary)
	default:
		s = fmt.Sprintf("%s %-*s %-5s %s", t, g.routeW(), shortName(e.Host), "note", e.Text)
	}
	return fit(s, g.gfx.mono, float64(g.panelW()-16))
}

func shortName(s string) string {
	if i := strings.IndexByte(s, '.'); i > 0 && strings.Count(s, ".") > 1 {
		return s[:i] + "." + strings.SplitN(s[i+1:], ".", 2)[0]
	}
	return s
}

func rowColor(e *sim.Event) color.Color {
	switch {
	case e.Kind == sim.KindDrop:
		return errColor
	case e.Kind == sim.KindNote:
		return dimColor
	}
	return inkColor
}

// drawBottom: the caption and the timeline.
func (g *Game) drawBottom(screen *ebiten.Image) {
	gx, m := g.gfx, g.m
	top := g.h - bottomH
	fillRect(screen, image.Rect(0, top, g.w, g.h), panelColor)
	vector.StrokeLine(screen, 0, float32(top), float32(g.w), float32(top), 1, lineColor, false)
	story, _ := m.StoryLine()
	cap, _ := m.Caption()
	if m.Err != nil {
		story, cap = m.Err.Error(), ""
	}
	gx.text.draw(screen, fit(story, gx.bold, float64(g.w-24)), gx.bold, 12, float64(top)+6, inkColor)
	gx.text.draw(screen, fit(cap, gx.normal, float64(g.w-24)), gx.normal, 12, float64(top)+28, inkColor)
	tr := g.timelineRect()
	fillRect(screen, tr, regionColor)
	if u := m.Until(); u > 0 && !m.Live {
		op := &ebiten.DrawImageOptions{}
		op.GeoM.Translate(float64(tr.Min.X), float64(tr.Min.Y))
		screen.DrawImage(g.timelineMarks(tr.Dx(), tr.Dy()), op)
		px := float32(tr.Min.X) + float32(tr.Dx())*float32(timeFrac(m, m.T))
		vector.DrawFilledRect(screen, px-2, float32(tr.Min.Y)-4, 4, float32(tr.Dy())+8, inkColor, false)
	}
	vector.StrokeRect(screen, float32(tr.Min.X), float32(tr.Min.Y), float32(tr.Dx()), float32(tr.Dy()), 1, regionEdge, false)
	if !m.Live {
		g.drawTicks(screen, tr)
	}
	g.drawButtons(screen)
}

var helpText = []string{
	"mailsim — how email works",
	"",
	"Space        play / pause (at the end: play again)",
	"S            story pace (every hop long enough to see, idle time short) / real time",
	"Ctrl + / −   bigger / smaller text and controls;  Ctrl 0 resets",
	"→ / ←        next / previous event",
	"[  ]         slower / faster (0.1× … 100×)",
	"R            restart from the beginning",
	"drag the timeline   go to any moment",
	"T            show or hide TCP handshakes, ACKs and FINs",
	filterHelp(),
	"wheel, + -   zoom the map;  0 fits it to the window",
	"drag, Shift+arrows   pan the map",
	"click an event      its packet layer by layer, its conversation (C: client, S: server)",
	"click a packet      the same, for a segment on its way across the map",
	"click a computer    look inside: mailboxes, downloaded mail, DNS zone",
	"PgUp / PgDn, wheel  scroll the event list",
	"drop a .yaml file   open that scenario; edits reload it",
	"Esc          close this help / the inspector;  H or ? toggles help",
}

// filterHelp is the help line for the protocol filter keys, from the
// service table.
func filterHelp() string {
	var keys, names []string
	for _, p := range view.Services() {
		keys = append(keys, p.Key())
		names = append(names, p.String())
	}
	return fmt.Sprintf("%-12s show or hide %s (or click the chips)", strings.Join(keys, " "), strings.Join(names, ", "))
}

func (g *Game) drawHelp(screen *ebiten.Image) {
	g.drawBox(screen, helpText, inkColor)
}

// errorHint closes the error box: how to go on.
var errorHint = "Fix the file and save it: the window reloads it. Or drop another scenario here."

func (g *Game) drawErrors(screen *ebiten.Image) {
	g.drawBox(screen, append(g.errs, "", errorHint), errColor)
}

func (g *Game) drawBox(screen *ebiten.Image, lines []string, c color.Color) {
	gx := g.gfx
	w := 0.0
	for _, l := range lines {
		w = max(w, advance(l, gx.mono))
	}
	w = min(w+32, float64(g.w-40))
	h := float64(len(lines)*18 + 24)
	x, y := (float64(g.w)-w)/2, max(20, (float64(g.h)-h)/2)
	vector.DrawFilledRect(screen, float32(x), float32(y), float32(w), float32(h), panelColor, false)
	vector.StrokeRect(screen, float32(x), float32(y), float32(w), float32(h), 2, c, false)
	for i, l := range lines {
		gx.text.draw(screen, fit(l, gx.mono, w-24), gx.mono, x+16, y+12+float64(i*18), c)
	}
}

// timelineMarks is the timeline's strip with one mark per moment mail
// moves (first hops with payload, coloured by protocol). It is cached and
// redrawn at most twice a second while the log grows.
func (g *Game) timelineMarks(w, h int) *ebiten.Image {
	gx, m := g.gfx, g.m
	img := gx.marks
	if img == nil || img.Bounds().Dx() != w || img.Bounds().Dy() != h {
		if img != nil {
			img.Deallocate()
		}
		img = ebiten.NewImage(w, h)
		gx.marks, gx.marksLog = img, -1
	}
	same := gx.marksModel == m && gx.marksPace == m.Pace // S changes the pace: every mark moves
	if same && (gx.marksLog == len(m.Log) || g.ticks-gx.marksTick < view.TPS/2) {
		return img
	}
	gx.marksLog, gx.marksModel, gx.marksPace, gx.marksTick = len(m.Log), m, m.Pace, g.ticks
	img.Fill(regionColor)
	cols := make([]int8, w) // protocol+1 per pixel column, 0 for none
	for _, e := range m.Log {
		if e.Kind != sim.KindHop || e.Hop != 1 || len(e.Payload) == 0 {
			continue
		}
		px := int(float64(w) * timeFrac(m, e.Depart))
		if px >= 0 && px < w && cols[px] == 0 {
			cols[px] = int8(view.ByPort(e.Src.Port(), e.Dst.Port())) + 1
		}
	}
	for x, c := range cols {
		if c > 0 {
			vector.DrawFilledRect(img, float32(x), 0, 1, float32(h), view.Proto(c-1).Color(), false)
		}
	}
	// The journeys' steps: a dark mark each, in the top third.
	steps := make([]bool, w)
	for _, e := range m.Log {
		if px := int(float64(w) * timeFrac(m, e.Depart)); e.Kind == sim.KindStep && px >= 0 && px < w {
			steps[px] = true
		}
	}
	for x, on := range steps {
		if on {
			vector.DrawFilledRect(img, float32(x), 0, 2, float32(h)/3, inkColor, false)
		}
	}
	return img
}

// timeFrac places virtual time t on the timeline: by the pace, so busy
// seconds are wide and idle minutes narrow in story pace.
func timeFrac(m *view.Model, t time.Duration) float64 {
	p0, p1 := m.Pace.P(0), m.Pace.P(m.Until())
	if p1 <= p0 {
		return 0
	}
	return float64(m.Pace.P(t)-p0) / float64(p1-p0)
}

// wrapMono splits s into pieces at most w pixels wide in the fixed-width
// face f, at spaces where it can.
func wrapMono(s string, f *text.GoTextFace, w float64) []string {
	n := max(10, int(w/(monoAdvance*f.Size))-6) // room for the continuation indent
	r := []rune(s)
	if len(r) <= n+6 {
		return []string{s}
	}
	var out []string
	for len(r) > n {
		cut := n
		for i := n; i > n/2; i-- {
			if r[i] == ' ' {
				cut = i
				break
			}
		}
		out = append(out, string(r[:cut]))
		r = []rune(strings.TrimLeft(string(r[cut:]), " "))
	}
	return append(out, string(r))
}

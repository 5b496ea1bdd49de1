package main

import (
	"image/color"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"mailsim/cmd/mailsim-view/view"
)

var okColor = view.OKColor

// drawTitleCard shows the scenario's title and description over the map
// while virtual time waits to start (view.Lead of presentation time).
func (g *Game) drawTitleCard(screen *ebiten.Image) {
	m := g.m
	lines := []string{}
	for _, p := range strings.Split(strings.TrimSpace(m.Scenario.Description), "\n\n") {
		lines = append(lines, wrap(strings.Join(strings.Fields(p), " "), g.gfx.normal, g.cardText())...)
	}
	g.card(screen, m.Topo.Title, lines, nil, "Space: play   S: story pace / real time   H: help")
}

// drawResults shows every expectation, passed or failed, once the run
// is over.
func (g *Game) drawResults(screen *ebiten.Image) {
	rs := g.results
	if len(rs) == 0 {
		return
	}
	pass := 0
	var lines []string
	var cols []color.Color
	for _, r := range rs {
		mark, c := "\x01", color.Color(okColor) // drawn as a tick or a cross: the font has neither
		if r.OK {
			pass++
		} else {
			mark, c = "\x02", errColor
		}
		for i, l := range wrap(r.What+" ("+r.Detail+")", g.gfx.normal, g.cardText()-22) {
			if i == 0 {
				l = mark + l
			}
			lines, cols = append(lines, l), append(cols, c)
		}
	}
	title := "The run is over: every expectation holds"
	if pass < len(rs) {
		title = "The run is over: some expectations FAILED"
	}
	g.card(screen, title, lines, cols, "R: play again   drag the timeline to look back")
}

// cardText is the width of a card's lines: the card is 60 wider.
func (g *Game) cardText() float64 { return min(600, g.mapRect().W-80) }

// card draws a centred box over the map: a bold title, lines, a footer.
func (g *Game) card(screen *ebiten.Image, title string, lines []string, cols []color.Color, foot string) {
	gx := g.gfx
	mr := g.mapRect()
	w := advance(title, gx.title) + 40
	for _, l := range lines {
		w = max(w, advance(l, gx.normal)+70)
	}
	w = min(w, mr.W-20)
	h := 60 + float64(len(lines))*20 + 34
	x, y := mr.X+(mr.W-w)/2, mr.Y+30
	vector.DrawFilledRect(screen, float32(x)+4, float32(y)+4, float32(w), float32(h), color.RGBA{0, 0, 0, 0x30}, false)
	vector.DrawFilledRect(screen, float32(x), float32(y), float32(w), float32(h), panelColor, false)
	vector.StrokeRect(screen, float32(x), float32(y), float32(w), float32(h), 2, tagEdge, false)
	gx.text.draw(screen, fit(title, gx.title, w-40), gx.title, x+20, y+16, inkColor)
	for i, l := range lines {
		c := color.Color(inkColor)
		if cols != nil {
			c = cols[i]
		}
		ly := y + 56 + float64(i)*20
		lx := x + 20
		if cols != nil {
			lx += 22
			switch {
			case strings.HasPrefix(l, "\x01"):
				vector.StrokeLine(screen, float32(lx-18), float32(ly+10), float32(lx-12), float32(ly+16), 3, c, true)
				vector.StrokeLine(screen, float32(lx-12), float32(ly+16), float32(lx-3), float32(ly+3), 3, c, true)
			case strings.HasPrefix(l, "\x02"):
				vector.StrokeLine(screen, float32(lx-17), float32(ly+3), float32(lx-5), float32(ly+15), 3, c, true)
				vector.StrokeLine(screen, float32(lx-5), float32(ly+3), float32(lx-17), float32(ly+15), 3, c, true)
			}
			l = strings.TrimLeft(l, "\x01\x02")
		}
		gx.text.draw(screen, fit(l, gx.normal, w-60), gx.normal, lx, ly, c)
	}
	gx.text.draw(screen, foot, gx.small, x+20, y+h-26, dimColor)
}

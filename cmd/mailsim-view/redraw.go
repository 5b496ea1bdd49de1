package main

import (
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"mailsim/cmd/mailsim-view/view"
)

// Redrawing only on change keeps a paused window off the CPU. The screen
// is not cleared between frames (SetScreenClearedEveryFrame(false) in
// main), so when Draw returns without drawing, the last frame stays up
// and ebiten skips presenting it too (examples/skipdraw). What counts as
// a change is deliberately coarse: any input at all (keys, buttons, the
// wheel, the cursor moving, so hover effects need nothing more), the
// model playing, or the model, its time, its log, the errors or the
// window size differing from the last Update.

// settleTicks is how long drawing goes on after the last change, so that
// anything drawn a frame late catches up before the picture freezes: the
// timeline marks, for one, are refreshed at most every TPS/2 ticks.
const settleTicks = view.TPS/2 + 2

type redraw struct {
	idle   int // Updates since the last change, up to settleTicks+1
	last   frameKey
	cx, cy int // cursor at the last Update
	keys   []ebiten.Key
}

// frameKey is what changes the picture without input.
type frameKey struct {
	m       *view.Model
	errs    int
	err0    *string // errs is replaced, not edited, when a reload fails
	t, w    time.Duration
	log     int
	playing bool
	width   int
	height  int
	story   bool
	speed   int
}

// noteChanges runs once per Update, after the model has moved.
func (g *Game) noteChanges() {
	r := &g.redraw
	k := frameKey{m: g.m, errs: len(g.errs), width: g.w, height: g.h}
	if len(g.errs) > 0 {
		k.err0 = &g.errs[0]
	}
	if m := g.m; m != nil {
		k.t, k.w, k.log, k.playing, k.story, k.speed = m.T, m.W, len(m.Log), m.Playing, m.Story, m.SpeedIdx
	}
	if k != r.last || k.playing || g.inputActive() {
		r.idle, r.last = 0, k
	} else if r.idle <= settleTicks {
		r.idle++
	}
}

// inputActive reports any input this tick.
func (g *Game) inputActive() bool {
	r := &g.redraw
	x, y := ebiten.CursorPosition()
	moved := x != r.cx || y != r.cy
	r.cx, r.cy = x, y
	if moved {
		return true
	}
	if wx, wy := ebiten.Wheel(); wx != 0 || wy != 0 {
		return true
	}
	for b := ebiten.MouseButton(0); b <= ebiten.MouseButtonMax; b++ {
		if ebiten.IsMouseButtonPressed(b) || inpututil.IsMouseButtonJustReleased(b) {
			return true
		}
	}
	r.keys = inpututil.AppendPressedKeys(r.keys[:0])
	r.keys = inpututil.AppendJustReleasedKeys(r.keys)
	return len(r.keys) > 0
}

// skipDraw reports that the picture on screen is still right. Screenshots
// and benchmarks draw every frame.
func (g *Game) skipDraw() bool {
	return g.redraw.idle > settleTicks && g.opts.screenshot == "" && g.opts.benchFrames == 0
}

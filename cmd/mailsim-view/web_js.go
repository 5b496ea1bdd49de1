//go:build js

package main

import (
	"strings"
	"syscall/js"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"mailsim/cmd/mailsim-view/view"
	"mailsim/sim/scenario"
)

// In a page a file cannot be watched for edits: the hints say so.
func init() {
	errorHint = "Fix the file and drop it again, or choose a scenario in the menu above."
	for i, l := range helpText {
		if strings.HasPrefix(l, "drop a .yaml file") {
			helpText[i] = "drop a .yaml file   open that scenario (or choose one in the menu above)"
		}
	}
}

// webGame is the Game in a page. It talks to the page's window.mailsim
// object (see web/index.html): files the page hands over are opened, and
// the scenario's title, its errors and the frame rate go back.
type webGame struct {
	*Game
	page   js.Value
	opened chan dropped

	shown  *view.Model // the model the page was last told about
	told   string      // the errors it was last told about
	frames int
	mark   int       // frames at the last report
	since  time.Time // of the last report; measurement only
	// CPU time in Update and Draw since the last report, and Updates.
	update, draw time.Duration
	updates      int
}

type dropped struct {
	name string
	data []byte
}

func newWebGame(g *Game) *webGame {
	w := &webGame{Game: g, page: js.Global().Get("mailsim"), opened: make(chan dropped, 4)}
	if !w.page.Truthy() {
		w.page = js.Global().Get("Object").New() // a bare page: report nowhere
	}
	// Called from the browser's event loop: hand over, never block.
	w.page.Set("open", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) == 2 {
			select {
			case w.opened <- dropped{args[0].String(), []byte(args[1].String())}:
			default:
			}
		}
		return nil
	}))
	return w
}

func (w *webGame) Update() error {
	select {
	case d := <-w.opened:
		w.openData(d.name, d.data)
	default:
	}
	start := time.Now()
	err := w.Game.Update()
	w.report()
	w.update += time.Since(start)
	w.updates++
	return err
}

func (w *webGame) Draw(screen *ebiten.Image) {
	start := time.Now()
	w.Game.Draw(screen)
	now := time.Now()
	w.draw += now.Sub(start)
	w.frames++
	w.page.Set("frame", w.frames) // tests wait on it between input events
	if w.frames == 1 {
		w.since = now
		w.call("firstFrame")
		return
	}
	if d := now.Sub(w.since); d >= time.Second {
		n := float64(w.frames - w.mark)
		stats := map[string]any{
			"fps": n / d.Seconds(),
			// Per frame, in ms: the rest of a frame is the browser's
			// (WebGL, compositing) or idle.
			"updateMs": float64(w.update) / 1e6 / n,
			"drawMs":   float64(w.draw) / 1e6 / n,
			"updates":  w.updates,
			"tps":      ebiten.ActualTPS(),
			"frames":   w.frames,
			"width":    w.w,
			"height":   w.h,
		}
		if m := w.m; m != nil {
			stats["t"], stats["playing"] = m.T.Seconds(), m.Playing
			stats["speed"], stats["node"] = m.Speed(), m.Node
			// Where each node is on the page, so a test can click it.
			nodes := map[string]any{}
			for _, n := range m.Topo.Nodes {
				x, y := w.cam.ToScreen(n.X, n.Y)
				nodes[n.Name] = []any{x * w.scale, y * w.scale}
			}
			stats["nodes"] = nodes
		}
		w.call("setStats", stats)
		w.mark, w.since = w.frames, now
		w.update, w.draw, w.updates = 0, 0, 0
	}
}

// report tells the page what changed: a new scenario, new errors.
func (w *webGame) report() {
	if m := w.m; m != nil && m != w.shown {
		w.shown = m
		w.call("setTitle", strings.TrimSuffix(m.Scenario.Source, ".yaml"), m.Scenario.Title)
	}
	if errs := strings.Join(w.errs, "\n"); errs != w.told {
		w.told = errs
		lines := make([]any, len(w.errs))
		for i, l := range w.errs {
			lines[i] = l
		}
		w.call("setErrors", lines)
	}
}

func (w *webGame) call(fn string, args ...any) {
	if f := w.page.Get(fn); f.Type() == js.TypeFunction {
		w.page.Call(fn, args...)
	}
}

// openData opens a scenario handed over by the page (dropped or picked),
// keeping the old picture when it has errors, as a drop on the window does.
func (g *Game) openData(name string, data []byte) {
	sc, err := scenario.Parse(name, data)
	if err != nil {
		g.setErr(name, err)
		return
	}
	g.path, g.mtime = "", time.Time{}
	g.use(sc)
}

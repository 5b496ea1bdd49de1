package main

import (
	"errors"
	"fmt"
	"image"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"mailsim/cmd/mailsim-view/view"
	"mailsim/sim"
	"mailsim/sim/scenario"
)

// options come from the command line.
type options struct {
	screenshot  string
	at          time.Duration
	synth       int
	benchFrames int
	// benchRestarts: run to the end and restart this many times, then
	// print memory figures and exit.
	benchRestarts int
	live          bool
	loopback      netip.Addr // --serve: where host addresses start
	showControl   bool
	record        string        // --record: GIF file
	recordFor     time.Duration // presentation time to record
	realTime      bool
	inspect       string // --inspect HOST
	sel           string // --select TEXT
}

// benchStats accumulate the --bench-frames measurement.
type benchStats struct {
	frames       int
	update, draw time.Duration
	wall         time.Duration
	start        time.Time
	inFlight     int
}

// Game implements ebiten.Game: Update changes the model, Draw reads it.
type Game struct {
	opts     options
	path     string    // scenario file, "" for the embedded default
	mtime    time.Time // of path when loaded
	ticks    int       // Updates since start; the file is polled every TPS ticks
	m        *view.Model
	errs     []string // why the scenario could not be opened
	cam      view.Camera
	scale    float64 // window pixels per layout pixel (Layout)
	camOK    bool
	w, h     int
	gfx      *graphics
	flights  []view.Flight
	spots    []view.Spot
	down     view.Down
	refusals []view.Refusal
	atState  stateKey          // what spots, down and refusals were worked out for
	placed   []image.Rectangle // letters' tags drawn so far this frame
	tickKey  tickKey           // the timeline's labels, placed for this
	ticksAt  []tick
	results  []view.Result // of the whole run, for the end card
	help     bool
	back     int // event list scrolled back by this many rows
	drag     struct {
		on         bool
		x, y       int
		moved      bool
		scrubbing  bool
		fromMapSet bool
	}
	rows      []*sim.Event // rows drawn last frame, for clicks
	inspect   []string
	shotDone  bool
	frame     int
	exitErr   error
	bench     benchStats
	live      func() error // closes the live exposure
	redraw    redraw
	restarts  restartStats
	rec       *recording
	ui        float64 // interface scale (Ctrl +/−); 0 means 1
	detail    int     // the panel's lower part scrolled by this many lines
	detailMax int
	inspectAt struct {
		t    time.Duration
		tick int
	}
}

func newGame(path string, o options) *Game {
	g := &Game{opts: o, path: path, w: 1280, h: 800}
	g.open(path)
	return g
}

// open (re)loads the scenario at path, keeping the old picture on error.
func (g *Game) open(path string) {
	g.path, g.mtime = path, modTime(path)
	sc, err := loadScenario(path)
	if err != nil {
		g.setErr(path, err)
		return
	}
	g.use(sc)
}

func (g *Game) setErr(name string, err error) {
	if name == "" {
		name = "the default scenario"
	}
	g.errs = append([]string{"Cannot open " + name + ":"}, strings.Split(err.Error(), "\n")...)
}

// use shows a freshly loaded scenario.
func (g *Game) use(sc *scenario.Scenario) {
	m, err := openModel(sc, g.opts.live)
	if err != nil {
		g.setErr(sc.Source, err)
		return
	}
	g.closeModel()
	m.ShowControl = g.opts.showControl
	if g.opts.realTime {
		m.ToggleStory()
	}
	g.results = m.Results()
	g.m, g.errs, g.camOK, g.back, g.inspect = m, nil, false, 0, nil
	switch {
	case g.opts.screenshot != "" || g.opts.benchFrames > 0:
		m.Seek(g.opts.at)
		m.AddSynthetic(g.opts.synth, g.opts.at)
		m.Node = g.opts.inspect
		g.inspect = m.Inspect()
		if g.opts.sel != "" {
			for _, e := range m.Log {
				if e.Depart <= m.T && e.Kind == sim.KindHop && e.Hop == 1 && strings.HasPrefix(e.Summary, g.opts.sel) {
					m.Selected = e
				}
			}
		}
		m.Playing = g.opts.benchFrames > 0 && g.opts.synth == 0
	case g.opts.record != "":
		m.Playing = true
		g.rec = newRecording()
	case g.opts.live:
		g.startLive(m)
	default:
		m.Playing = true
	}
}

// closeModel ends the world shown so far, and its live exposure: the
// world first, since a bridge ending its simulated half needs the world
// either driven or closed, and nothing drives it between frames.
func (g *Game) closeModel() {
	if g.m == nil {
		return
	}
	err := g.m.Close()
	if g.live != nil {
		err = errors.Join(err, g.live())
		g.live = nil
	}
	g.m = nil
	if err != nil {
		fmt.Fprintf(os.Stderr, "mailsim-view: closing the previous world: %v\n", err)
	}
}

// Layout follows the window size. Ctrl +/− scales the whole interface:
// the screen is laid out smaller and ebiten scales it up to the window.
func (g *Game) Layout(ow, oh int) (int, int) {
	s := g.ui
	if s == 0 { // automatic: larger windows get larger text
		s = max(1, min(1.5, float64(ow)/1280, float64(oh)/800))
	}
	w, h := int(float64(ow)/s), int(float64(oh)/s)
	g.scale = s
	if w != g.w || h != g.h {
		g.w, g.h = w, h
		g.camOK = false
	}
	return w, h
}

// UI scales Ctrl +/− steps through.
var uiScales = []float64{0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2}

// scaleUI moves the interface scale d steps.
func (g *Game) scaleUI(d int) {
	i := 2
	for k, s := range uiScales {
		if s <= g.ui || g.ui == 0 && s <= float64(g.w)/1280 {
			i = k
		}
	}
	g.ui = uiScales[max(0, min(len(uiScales)-1, i+d))]
}

// Areas of the screen.
const (
	topH    = 30
	bottomH = 126
)

// panelW is the side panel's width: a third of the window, within reason.
func (g *Game) panelW() int { return max(340, min(600, g.w*34/100)) }

func (g *Game) mapRect() view.Rect {
	return view.Rect{X: 0, Y: topH, W: float64(g.w - g.panelW()), H: float64(g.h - topH - bottomH)}
}

// legendH is the height the legend takes at the bottom of the map.
var legendH = float64((len(view.Services())+1)*18 + 8 + 8) // one row per service, and TCP

// fitRect is the part of the map a fitted topology fills: above the
// legend, so the legend never covers a region.
func (g *Game) fitRect() view.Rect {
	r := g.mapRect()
	r.H -= legendH
	return r
}

// withTitles grows the topology's bounds upward by room for the ISP
// region titles, which are drawn above the regions.
func withTitles(b view.Rect) view.Rect {
	const title = 70
	return view.Rect{X: b.X, Y: b.Y - title, W: b.W, H: b.H + title}
}

func (g *Game) panelRect() image.Rectangle {
	return image.Rect(g.w-g.panelW(), topH, g.w, g.h-bottomH)
}

func (g *Game) timelineRect() image.Rectangle {
	return image.Rect(16, g.h-40, g.w-16, g.h-26)
}

// Update advances the model by one tick and handles input.
func (g *Game) Update() error {
	start := time.Now() // measurement only (--bench-frames); game state never reads it
	defer func() {
		if g.opts.benchFrames > 0 {
			g.bench.update += time.Since(start)
		}
	}()
	g.ticks++
	if g.shotDone || g.exitErr != nil {
		return ebiten.Termination
	}
	if g.opts.benchFrames > 0 && g.bench.frames >= g.opts.benchFrames {
		g.bench.wall = time.Since(g.bench.start)
		return ebiten.Termination
	}
	defer g.noteChanges()
	if g.ticks%view.TPS == 0 && g.path != "" { // poll the file once a second
		if mt := modTime(g.path); !mt.IsZero() && !mt.Equal(g.mtime) {
			g.open(g.path)
		}
	}
	if files := ebiten.DroppedFiles(); files != nil {
		if name, sc, err, ok := readDropped(files); ok {
			if err != nil {
				g.setErr(name, err)
			} else {
				g.path, g.mtime = "", time.Time{}
				g.use(sc)
			}
		}
	}
	if g.m == nil {
		if g.opts.screenshot != "" && g.frame > 0 {
			g.exitErr = fmt.Errorf("%s", strings.Join(g.errs, "\n"))
		}
		return nil
	}
	if !g.camOK {
		g.cam.Fit(withTitles(g.m.Topo.Bounds), g.fitRect())
		g.camOK = true
	}
	if g.opts.benchRestarts > 0 {
		return g.benchRestart()
	}
	g.input()
	g.m.Tick()
	if g.rec != nil { // 10 frames a second of playback: six ticks per frame
		for i := 1; i < view.TPS/recordFPS; i++ {
			g.m.Tick()
		}
	}
	g.flights = g.m.InFlight(g.flights)
	if k := (stateKey{g.m, g.m.T, g.m.Pace, len(g.m.Log)}); k != g.atState {
		g.atState = k
		g.spots = g.m.Letters().At(g.m.T, g.m.Pace, g.spots)
		g.down = g.m.DownAt(g.m.T)
		g.refusals = g.m.Refusals(g.refusals)
	}
	// The inspector follows the moment shown (its run is replayed when
	// the view goes back, so not more than a few times a second).
	if m := g.m; m.Node != "" && g.inspectAt.t != m.T && (g.ticks-g.inspectAt.tick >= view.TPS/4 || !m.Playing) {
		g.inspect = m.Inspect()
		g.inspectAt.t, g.inspectAt.tick = m.T, g.ticks
	}
	return nil
}

// stateKey is all the letters, stopped services and refusals on the map
// depend on: while it stays the same (paused), Update does not replay
// the timeline and the journeys 60 times a second.
type stateKey struct {
	m    *view.Model
	t    time.Duration
	pace *view.Pace
	log  int
}

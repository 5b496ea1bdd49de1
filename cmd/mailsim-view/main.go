//go:build !js

// Command mailsim-view is the mailsim window: it tells a scenario's
// story at story pace, each message a letter labelled with its subject
// moving with the SMTP, LMTP and POP3 conversations that carry it, every
// hop of the traffic of the service table animated over the topology,
// with an event list, a packet's layers, transcripts, an inspector,
// plain-language captions and the expectations' results. All state lives in package view; this package
// only wires ebiten to it.
//
//	mailsim-view [SCENARIO.yaml]                   open a scenario (default: the embedded one)
//	mailsim-view --screenshot out.png --at 12.5s   render one frame and exit
//	mailsim-view --serve [SCENARIO.yaml]           run in real time (see --serve)
//	mailsim-view --record out.gif [--for 40s]      record the story as an animated GIF
//
// Without a display it says how to get one and exits 2 (package boot).
package main

import (
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	// boot parses the command line and checks for a display before
	// ebiten's init would panic without one: it must stay imported here.
	"mailsim/cmd/mailsim-view/internal/boot"
)

func main() {
	o := boot.Options
	g := newGame(o.Scenario, options{
		loopback:   o.Loopback,
		screenshot: o.Screenshot, at: o.At, synth: o.Synth, benchFrames: o.BenchFrames, benchRestarts: o.BenchRestarts,
		live: o.Serve, showControl: o.TCP,
		record: o.Record, recordFor: o.For, realTime: o.RealTime,
		inspect: o.Inspect, sel: o.Select,
	})
	ebiten.SetWindowSize(o.Width, o.Height)
	ebiten.SetWindowTitle("mailsim — How Email Works")
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetTPS(60)
	ebiten.SetScreenClearedEveryFrame(false) // redraw only on change: redraw.go
	if o.Screenshot != "" || o.BenchFrames > 0 || o.Record != "" {
		ebiten.SetVsyncEnabled(false)
	}
	if o.Record != "" {
		ebiten.SetTPS(ebiten.SyncWithFPS) // one frame per Update, as fast as it goes
	}
	if err := ebiten.RunGame(g); err != nil && !errors.Is(err, ebiten.Termination) {
		log.Fatal(err)
	}
	g.closeModel()
	if g.exitErr != nil {
		log.Fatal(g.exitErr)
	}
	if g.bench.frames > 0 {
		b := g.bench
		fmt.Printf("frames %d  update %.3f ms/frame  draw %.3f ms/frame  cpu %.3f ms/frame  fps %.1f  in-flight %d\n",
			b.frames, ms(b.update, b.frames), ms(b.draw, b.frames), ms(b.update+b.draw, b.frames),
			float64(b.frames)/b.wall.Seconds(), b.inFlight)
	}
}

func ms(d time.Duration, n int) float64 { return float64(d) / float64(n) / 1e6 }

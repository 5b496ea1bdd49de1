//go:build !js

// Command mailsim-view is the mailsim window: it animates every hop of a
// scenario's SMTP (port 25), LMTP (24), POP3 (110) and DNS (53) traffic
// over the topology, with an event list, transcripts, an inspector and
// plain-language captions. All state lives in package view; this package
// only wires ebiten to it.
//
//	mailsim-view [SCENARIO.yaml]                   open a scenario (default: the embedded one)
//	mailsim-view --screenshot out.png --at 12.5s   render one frame and exit
//	mailsim-view --serve [SCENARIO.yaml]           run in real time (see --serve)
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net/netip"
	"os"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
)

func main() {
	shot := flag.String("screenshot", "", "render the frame at --at to this PNG file and exit")
	at := flag.Duration("at", 0, "virtual time of the --screenshot frame, e.g. 12.5s")
	width := flag.Int("width", 1280, "window width")
	height := flag.Int("height", 800, "window height")
	serve := flag.Bool("serve", false, "run in real time and expose the servers on loopback for real clients, as mailsim serve does (the address map goes to stderr)")
	synth := flag.Int("synth", 0, "load test: put this many synthetic SMTP segments in flight at --at")
	benchFrames := flag.Int("bench-frames", 0, "load test: run this many frames, print CPU time per frame and FPS, exit")
	loopback := flag.String("loopback", "127.1.0.0", "with --serve: loopback `ADDR` host addresses count up from")
	control := flag.Bool("tcp", false, "start with TCP handshake/ACK/FIN segments shown (key T)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: mailsim-view [flags] [SCENARIO]\n\nSCENARIO is a YAML file or a library scenario by name (e.g. figure-a);\nwithout one, the default (figure-b). The window needs an X display.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 1 {
		flag.Usage()
		os.Exit(2)
	}
	base, err := netip.ParseAddr(*loopback)
	if err != nil {
		fmt.Fprintf(os.Stderr, "mailsim-view: --loopback: %v\n", err)
		os.Exit(2)
	}
	g := newGame(flag.Arg(0), options{
		loopback:   base,
		screenshot: *shot, at: *at, synth: *synth, benchFrames: *benchFrames,
		live: *serve, showControl: *control,
	})
	ebiten.SetWindowSize(*width, *height)
	ebiten.SetWindowTitle("mailsim — How Email Works")
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetTPS(60)
	if *shot != "" || *benchFrames > 0 {
		ebiten.SetVsyncEnabled(false)
	}
	if err := ebiten.RunGame(g); err != nil && !errors.Is(err, ebiten.Termination) {
		log.Fatal(err)
	}
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

// Package cmdline reads mailsim-view's command line and checks that there
// is a display to open the window on. It never imports ebiten: package
// boot runs it before ebiten's package init, which panics without a
// display (boot says why that order holds).
package cmdline

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"time"
)

// Options are the parsed command line.
type Options struct {
	Scenario      string        // file or library name, "" for the default
	Screenshot    string        // render the frame at At to this PNG and exit
	At            time.Duration // virtual time of the screenshot frame
	Width, Height int
	Serve         bool          // real time, servers exposed on loopback
	Synth         int           // load test: synthetic segments in flight at At
	BenchFrames   int           // load test: run this many frames and exit
	BenchRestarts int           // memory test: run to the end and restart this many times
	Loopback      netip.Addr    // with Serve: host addresses count up from here
	TCP           bool          // start with handshakes/ACKs/FINs shown
	Record        string        // write an animated GIF of the story to this file and exit
	For           time.Duration // how much presentation time --record records
	RealTime      bool          // start in real time instead of story pace
	Inspect       string        // open the inspector on this host
	Select        string        // select the latest event whose summary starts with this
}

// Usage heads the help text; the flags follow it.
const Usage = `usage: mailsim-view [flags] [SCENARIO]

SCENARIO is a YAML file or a library scenario by name (e.g. figure-a);
without one, the default (figure-b). The window needs an X display; with
none, run it under xvfb-run, or use mailsim, which needs no display.

`

// Parse reads args (without the program name). For -h/--help it writes
// the usage to stdout and returns flag.ErrHelp, which should exit 0. A
// bad command line is explained on stderr, and should exit 2.
func Parse(args []string, stdout, stderr io.Writer) (Options, error) {
	o := &Options{Loopback: netip.AddrFrom4([4]byte{127, 1, 0, 0})}
	fs := flag.NewFlagSet("mailsim-view", flag.ContinueOnError)
	fs.StringVar(&o.Screenshot, "screenshot", "", "render the frame at --at to this PNG `FILE` and exit")
	fs.DurationVar(&o.At, "at", 0, "virtual time of the --screenshot frame, e.g. 12.5s (simulated time, the same in story pace and real time; at 0 the title card is not shown)")
	fs.StringVar(&o.Record, "record", "", "record the story from the title card as an animated GIF `FILE` (10 frames a second, half size) and exit")
	fs.DurationVar(&o.For, "for", 40*time.Second, "with --record: how much playback at 1× to record (presentation time, not simulated time)")
	fs.StringVar(&o.Inspect, "inspect", "", "open the inspector on `HOST` (as a click on it does)")
	fs.StringVar(&o.Select, "select", "", "select the latest event up to --at whose summary starts with `TEXT` (as a click on its row does)")
	fs.BoolVar(&o.RealTime, "real-time", false, "start in real time (virtual time at the speed shown) instead of story pace (key S)")
	fs.IntVar(&o.Width, "width", 1280, "window width")
	fs.IntVar(&o.Height, "height", 800, "window height")
	fs.BoolVar(&o.Serve, "serve", false, "run in real time and expose the servers on loopback for real clients, as mailsim serve does (the address map goes to stderr)")
	fs.IntVar(&o.Synth, "synth", 0, "load test: put this many synthetic SMTP segments in flight at --at")
	fs.IntVar(&o.BenchFrames, "bench-frames", 0, "load test: run this many frames, print CPU time per frame and FPS, exit")
	fs.IntVar(&o.BenchRestarts, "bench-restarts", 0, "memory test: run the scenario to its end and restart it this many times, one per frame, print RSS and heap, exit")
	fs.TextVar(&o.Loopback, "loopback", o.Loopback, "with --serve: loopback `ADDR` host addresses count up from")
	fs.BoolVar(&o.TCP, "tcp", false, "start with TCP handshake/ACK/FIN segments shown (key T)")
	usage := func(w io.Writer) {
		fmt.Fprint(w, Usage)
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
	fs.SetOutput(stderr)
	fs.Usage = func() {} // help goes to stdout, errors to stderr: below
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(stdout)
		return *o, err
	case err != nil:
		usage(stderr)
		return *o, err
	case fs.NArg() > 1:
		err = fmt.Errorf("one scenario at a time, got %d", fs.NArg())
		fmt.Fprintf(stderr, "mailsim-view: %v\n", err)
		usage(stderr)
		return *o, err
	}
	o.Scenario = fs.Arg(0)
	return *o, nil
}

package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"mailsim/servers/world"
	"mailsim/sim"
)

// progress shows a line on stderr while a run that takes over a second
// goes on: virtual time against the end, messages delivered, events per
// second. It looks at the wall clock, which only the command line may.
type progress struct {
	w         io.Writer
	world     *sim.World // its event count
	delivered int        // "stored" steps
}

// newProgress returns a progress line for stderr, or nil when stderr is
// not a terminal (nothing is printed then).
func newProgress(stderr io.Writer) *progress {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &progress{w: stderr}
}

// event counts deliveries; it watches the steps.
func (p *progress) event(e *sim.Event) {
	if e.Step == "stored" {
		p.delivered++
	}
}

// run runs rt to its end in slices of virtual time, updating the line
// between slices. Slicing does not change the run: RunUntil leaves the
// clock at the slice's end and the next one carries on from there.
func (p *progress) run(rt *world.Runtime) error {
	start := time.Now()
	slice := max(rt.Until/500, time.Millisecond)
	var bar *progressbar.ProgressBar
	defer func() {
		if bar != nil {
			bar.Finish()
			fmt.Fprintln(p.w)
		}
	}()
	for t := slice; ; t += slice {
		t = min(t, rt.Until)
		if err := rt.RunUntil(t); err != nil {
			return err
		}
		wall := time.Since(start)
		if bar == nil && wall > time.Second {
			bar = progressbar.NewOptions64(rt.Until.Milliseconds(),
				progressbar.OptionSetWriter(p.w),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionSetPredictTime(false),
				progressbar.OptionClearOnFinish())
		}
		if bar != nil {
			bar.Describe(fmt.Sprintf("%s / %s  %d delivered  %.0f events/s",
				sim.HumanTime(t), sim.HumanTime(rt.Until), p.delivered, float64(p.world.EventCount())/wall.Seconds()))
			bar.Set64(t.Milliseconds())
		}
		if t >= rt.Until {
			return nil
		}
	}
}

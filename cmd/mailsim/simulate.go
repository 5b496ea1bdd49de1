package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"mailsim/servers/world"
	"mailsim/sim"
	"mailsim/sim/scenario"
)

// outcome is what happened to one scenario.
type outcome struct {
	name     string
	loadErr  error // the scenario is invalid (or could not be read or built)
	simErr   error // the simulation itself failed
	results  []world.Result
	until    time.Duration // simulated time
	wall     time.Duration // real time the run took
	rt       *world.Runtime
	events   uint64   // events the world emitted
	warnings []string // what validation warned of
	// conserved counts where every accepted copy ended.
	conserved world.Conservation
}

func (o *outcome) passed() bool {
	if o.loadErr != nil || o.simErr != nil {
		return false
	}
	for _, r := range o.results {
		if !r.OK {
			return false
		}
	}
	return true
}

// failed returns the failing expectations.
func (o *outcome) failed() []world.Result {
	var out []world.Result
	for _, r := range o.results {
		if !r.OK {
			out = append(out, r)
		}
	}
	return out
}

// problems is one line per reason the scenario did not pass.
func (o *outcome) problems() []string {
	switch {
	case o.loadErr != nil:
		return loadErrorLines(o.loadErr)
	case o.simErr != nil:
		return []string{"simulation failed: " + o.simErr.Error()}
	}
	var out []string
	for _, r := range o.failed() {
		out = append(out, r.String())
	}
	return out
}

// simulate builds sc, lets attach subscribe its sinks to the world, runs
// it to the end and collects the results.
func simulate(sc *scenario.Scenario, name string, opts world.Options, attach func(*sim.World)) *outcome {
	return simulateWith(sc, name, opts, attach, runWorld)
}

// simulateWith is simulate with its own way of running the world to the
// end. The world is always lean (world.Options.Lean): run and test read
// it only through its expectations and summary.
func simulateWith(sc *scenario.Scenario, name string, opts world.Options, attach func(*sim.World), run func(*world.Runtime) error) *outcome {
	o := &outcome{name: name}
	start := time.Now()
	defer func() { o.wall = time.Since(start) }()
	opts.Lean = true // only the expectations read the world: see Options.Lean
	rt, err := world.Build(sc, opts)
	if err != nil {
		o.loadErr = err
		return o
	}
	o.until, o.rt = rt.Until, rt
	if attach != nil {
		attach(rt.World)
	}
	err = run(rt)
	o.events = rt.World.EventCount()
	if err == nil {
		o.results = rt.Results()
	}
	if err == nil {
		o.conserved = rt.Conservation()
		if !o.conserved.OK() {
			err = conservationError(o.conserved)
		}
	}
	// `mailsim test` runs many worlds in one process: end each one.
	if cerr := rt.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing the world: %w", cerr)
	}
	o.simErr = err
	return o
}

// runWorld runs a built world to its end; tests replace it to make the
// simulation fail.
var runWorld = (*world.Runtime).Run

// simSeconds formats simulated time as the summaries show it: "10m".
func simSeconds(d time.Duration) string { return sim.HumanTime(d) }

// seedFlag is an optional int64 flag: nil until set.
type seedFlag struct{ v *int64 }

func (s *seedFlag) String() string {
	if s.v == nil {
		return ""
	}
	return strconv.FormatInt(*s.v, 10)
}

func (s *seedFlag) Set(v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return fmt.Errorf("not an integer: %q", v)
	}
	s.v = &n
	return nil
}

// conservationError names every message the invariant caught.
func conservationError(c world.Conservation) error {
	lines := make([]string, len(c.Violations))
	for i, v := range c.Violations {
		lines[i] = v.String()
	}
	return fmt.Errorf("conservation violated (%s): %s", c, strings.Join(lines, "; "))
}

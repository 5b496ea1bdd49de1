package main

import (
	"fmt"
	"strconv"
	"time"

	"mailsim/servers/world"
	"mailsim/sim"
	"mailsim/sim/scenario"
)

// outcome is what happened to one scenario.
type outcome struct {
	name    string
	loadErr error // the scenario is invalid (or could not be read or built)
	simErr  error // the simulation itself failed
	results []world.Result
	until   time.Duration // simulated time
	wall    time.Duration // real time the run took
	events  uint64        // events the world emitted
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
	o := &outcome{name: name}
	start := time.Now()
	defer func() { o.wall = time.Since(start) }()
	rt, err := world.Build(sc, opts)
	if err != nil {
		o.loadErr = err
		return o
	}
	o.until = rt.Until
	if attach != nil {
		attach(rt.World)
	}
	err = runWorld(rt)
	o.events = rt.World.EventCount()
	if err != nil {
		o.simErr = err
		return o
	}
	o.results = rt.Results()
	return o
}

// runWorld runs a built world to its end; tests replace it to make the
// simulation fail.
var runWorld = (*world.Runtime).Run

// simSeconds formats simulated time as the test summary shows it: "600s".
func simSeconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
}

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

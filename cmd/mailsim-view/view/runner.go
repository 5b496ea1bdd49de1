package view

import (
	"time"

	"mailsim/sim"
)

// Runner is one run of a scenario: the seam to servers/world's Runtime.
// The window drives it only from Update, so it needs no locking.
type Runner interface {
	// World is the simulated Internet; the model subscribes to its events.
	World() *sim.World
	// RunUntil runs the simulation up to virtual time t.
	RunUntil(t time.Duration) error
	// Step runs until at least one more event has happened.
	Step() (bool, error)
	// Until is the end of the scenario's run.
	Until() time.Duration
	// Inspect describes a host's state now, one line per fact.
	Inspect(host string) []string
	// Close ends the run: its goroutines stop and its memory can go.
	Close() error
	// Journeys are the messages of the run so far.
	Journeys() []Journey
	// Results checks the scenario's expectations against the run so far.
	Results() []Result
}

// Result is one expectation and whether the run met it.
type Result struct {
	What   string // the expectation in words
	OK     bool
	Detail string // what was seen, or why it failed
}

// BuildFunc makes a fresh runner of the same scenario; the model calls it
// again to restart and to rewind (the core is deterministic, so a rebuilt
// world replays the same events).
type BuildFunc func() (Runner, error)

package main

import (
	"time"
)

// verdict is what mailsim test reports of one scenario: its line, its
// JUnit case and its warnings. It travels as JSON from a worker process.
type verdict struct {
	Name     string        `json:"name"`
	Invalid  bool          `json:"invalid,omitempty"`    // the scenario could not be loaded or built
	SimFail  bool          `json:"sim_failed,omitempty"` // the simulation itself failed
	Results  []string      `json:"results,omitempty"`    // every expectation, as printed
	Failed   int           `json:"failed,omitempty"`     // how many of them failed
	Problems []string      `json:"problems,omitempty"`   // the lines under a FAIL
	Warnings []string      `json:"warnings,omitempty"`
	Until    time.Duration `json:"until"` // simulated time
	Wall     time.Duration `json:"wall"`  // real time the run took
}

func (o *outcome) verdict() verdict {
	v := verdict{Name: o.name, Invalid: o.loadErr != nil, SimFail: o.simErr != nil, Failed: len(o.failed()),
		Problems: o.problems(), Warnings: o.warnings, Until: o.until, Wall: o.wall}
	for _, r := range o.results {
		v.Results = append(v.Results, r.String())
	}
	return v
}

func (v verdict) passed() bool { return !v.Invalid && !v.SimFail && v.Failed == 0 }

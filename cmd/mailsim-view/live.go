package main

import (
	"fmt"
	"os"

	"mailsim/cmd/mailsim-view/view"
	"mailsim/servers/world"
)

// startLive exposes the servers of m's world on loopback, as `mailsim
// serve` does, and plays in real time (speed 1×).
func (g *Game) startLive(m *view.Model) {
	rt, ok := m.Runner().(interface{ Runtime() *world.Runtime })
	if !ok {
		g.exitErr = fmt.Errorf("live mode needs a servers/world runtime")
		return
	}
	x, err := rt.Runtime().Expose(world.ExposeOptions{Base: g.opts.loopback})
	if err != nil {
		g.setErr(m.Scenario.Source, fmt.Errorf("live mode: %w", err))
		return
	}
	for _, ep := range x.Endpoints {
		fmt.Fprintf(os.Stderr, "%-22s %-5s %s/%s  →  %s\n", ep.Host, ep.Service, ep.Proto, ep.Sim, ep.Real)
	}
	m.Live, m.Playing = true, true
	m.SpeedIdx = 3 // 1×: real time
	g.live = x.Close
}

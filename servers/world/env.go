package world

import (
	"mailsim/servers/env"
	"mailsim/sim"
)

// The servers run on a *sim.Host as their env.Env. The check lives here,
// the one package that imports both: sim must not import servers, and
// servers other than world must not import sim.
var _ env.Env = (*sim.Host)(nil)

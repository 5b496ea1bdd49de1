package world

import (
	"fmt"
	"strings"
	"time"

	"mailsim/servers/service"
)

// Shutdown stops every server host as a machine that shuts down does
// (mailsim serve's Ctrl-C). First every listener closes, so new
// connections are refused; then each open session is told, as Postfix
// and Dovecot tell theirs (SMTP, submission and LMTP "421 4.3.2",
// POP3 "-ERR [SYS/TEMP] Server shutting down.", IMAP "* BYE Server
// shutting down."), and closed. A message in the middle of DATA is not
// accepted, so its sender keeps it; queued and stored mail stays. The
// world then runs for grace more of virtual time, so the goodbyes cross
// the simulated links, before the returned channel closes. Call it from
// outside the simulation while a driver (Pace) runs.
func (rt *Runtime) Shutdown(grace time.Duration) <-chan struct{} {
	done := make(chan struct{})
	w := rt.World
	w.Go("shutdown", func() {
		rt.shutdownServers()
		// The wait is a goroutine of its own at a virtual time, as
		// timeline actions are: the driver advances to it.
		w.At(w.Now()+grace, "shutdown done", func() { close(done) })
	})
	return done
}

// shutdownServers runs in the simulation: listeners first, everywhere,
// then the goodbyes, host by host in name order.
func (rt *Runtime) shutdownServers() {
	hosts := sortedKeys(rt.services)
	for _, name := range hosts {
		hs := rt.services[name]
		hs.down = true
		for _, spec := range service.All() {
			hs.stop(spec.Kind)
		}
	}
	total := 0
	for _, name := range hosts {
		hs := rt.services[name]
		var told []string
		for _, spec := range service.All() {
			if srv, ok := hs.serve[spec.Kind]; ok && srv.stop != nil {
				if n := srv.stop(); n > 0 {
					told = append(told, fmt.Sprintf("%d %s", n, spec.Name))
					total += n
				}
			}
		}
		if len(told) > 0 {
			hs.host.Logf("shutting down: told %s session(s) and closed them", strings.Join(told, ", "))
		}
	}
	rt.journeys.action("", "", "", fmt.Sprintf("Every server shuts down: new connections are refused, %d open session(s) told so and closed", total))
}

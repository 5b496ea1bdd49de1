package smtp

import (
	"sort"

	gosmtp "github.com/emersion/go-smtp"
)

// errShuttingDown is the reply to every open session when the server
// stops (RFC 5321 §3.8: a 421 names the server; RFC 3463 X.3.2: the
// system is not accepting network messages).
func errShuttingDown(hostname string) *gosmtp.SMTPError {
	return reply(421, gosmtp.EnhancedCode{4, 3, 2}, "%s Service shutting down, closing transmission channel", hostname)
}

// Stop is what the MTA does when the machine shuts down: every open
// session, on both ports, gets 421 4.3.2 and is closed. A message in
// the middle of DATA is not accepted, so its client keeps it and tries
// again; queued mail stays queued. Close the listeners first, so no new
// session starts, and call it from a goroutine of the simulation.
func (s *Server) Stop() int { return s.conns.goodbye(wireReply(errShuttingDown(s.cfg.Hostname))) }

// Stop answers LMTP sessions as Server.Stop does SMTP ones.
func (l *LMTPServer) Stop() int {
	return l.conns.goodbye(wireReply(errShuttingDown(l.cfg.Hostname)))
}

// goodbye writes line to every connection waiting for a command (or
// for DATA), in accept order, and closes each: go-smtp's own Close
// only closes them, without the 421 RFC 5321 §3.8 asks for. A session
// that is writing a reply just now is closed without it, so the two
// replies never interleave. It returns how many sessions it ended.
func (set *connSet) goodbye(line []byte) int {
	set.mu.Lock()
	open := make([]*wireConn, 0, len(set.open))
	for c := range set.open {
		open = append(open, c)
	}
	sort.Slice(open, func(i, j int) bool { return set.open[open[i]] < set.open[open[j]] })
	set.mu.Unlock()
	for _, c := range open {
		if c.dead.Swap(true) {
			continue // hung up already
		}
		if c.reading.Load() {
			c.Conn.Write(line)
		}
		c.Conn.Close()
	}
	return len(open)
}

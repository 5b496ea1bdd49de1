package pop3

import "sort"

// shutdownReply is what Dovecot sends each POP3 client when it stops.
const shutdownReply = "-ERR [SYS/TEMP] Server shutting down.\r\n"

// Stop is what the server does when the machine shuts down: every client
// waiting for its next command gets "-ERR [SYS/TEMP] Server shutting
// down." and its connection is closed, without entering UPDATE (RFC 1939
// §6), so nothing it marked with DELE is deleted. A client whose reply
// is being written just now is disconnected without it. Close the
// listeners first, so no new client comes in; Close still waits for the
// goroutines. It returns how many clients it disconnected.
func (s *Server) Stop() int {
	s.mu.Lock()
	open := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		open = append(open, c)
	}
	s.mu.Unlock()
	sort.Slice(open, func(i, j int) bool { return open[i].seq < open[j].seq })
	for _, c := range open {
		c.gone.Store(true)
		if c.reading.Load() {
			c.nc.Write([]byte(shutdownReply))
		}
		c.nc.Close()
	}
	return len(open)
}

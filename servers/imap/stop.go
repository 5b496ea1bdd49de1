package imap

import (
	"sort"
	"sync"
)

// shutdownBye is what Dovecot sends each IMAP client when it stops.
const shutdownBye = "* BYE Server shutting down.\r\n"

// Stop is what the server does when the machine shuts down: every client
// waiting for its next command gets an untagged BYE (RFC 3501 §7.1.5)
// and its connection is closed; one whose response is being written
// just now is disconnected without it. Flags already stored stay.
// Close the listeners first, so no new client comes in. It returns how
// many clients it disconnected.
func (s *Server) Stop() int {
	open := s.conns.list()
	for _, c := range open {
		if c.reading.Load() {
			c.Conn.Write([]byte(shutdownBye))
		}
		c.Conn.Close()
	}
	return len(open)
}

// connSet is the server's open connections, in accept order.
type connSet struct {
	mu   sync.Mutex
	open map[*noIdleConn]uint64
	seq  uint64
}

func (s *connSet) add(c *noIdleConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open == nil {
		s.open = map[*noIdleConn]uint64{}
	}
	s.seq++
	s.open[c] = s.seq
}

func (s *connSet) remove(c *noIdleConn) {
	s.mu.Lock()
	delete(s.open, c)
	s.mu.Unlock()
}

func (s *connSet) list() []*noIdleConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*noIdleConn, 0, len(s.open))
	for c := range s.open {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return s.open[out[i]] < s.open[out[j]] })
	return out
}

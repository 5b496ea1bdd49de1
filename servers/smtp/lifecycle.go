package smtp

import (
	"context"
	"errors"
	"net"
	"sync"

	gosmtp "github.com/emersion/go-smtp"
)

// connSet is the connections a go-smtp server accepted, so Close can
// close them all and then wait for their goroutines: go-smtp's Close
// closes them without waiting, its Shutdown waits without closing.
type connSet struct {
	mu     sync.Mutex
	closed bool
	open   map[*wireConn]uint64 // by accept order, so goodbyes go out in order
	seq    uint64
}

// add records c; after close it reports false and c must be closed.
func (s *connSet) add(c *wireConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if s.open == nil {
		s.open = map[*wireConn]uint64{}
	}
	s.seq++
	s.open[c] = s.seq
	return true
}

func (s *connSet) remove(c *wireConn) {
	s.mu.Lock()
	delete(s.open, c)
	s.mu.Unlock()
}

// shutdown closes every connection, then has go-smtp close the listeners
// and wait for the connections' goroutines to end. Closing what is
// closed already (the simulated world ended first) is no error.
func shutdown(gs *gosmtp.Server, set *connSet) error {
	set.mu.Lock()
	set.closed = true
	open := make([]*wireConn, 0, len(set.open))
	for c := range set.open {
		open = append(open, c)
	}
	set.mu.Unlock()
	for _, c := range open {
		c.Conn.Close()
	}
	err := gs.Shutdown(context.Background())
	if errors.Is(err, net.ErrClosed) || errors.Is(err, gosmtp.ErrServerClosed) {
		return nil
	}
	return err
}

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
	lns    []net.Listener // served on, closed by shutdown
}

// serve runs gs on wl until shutdown. A shutdown that comes before
// go-smtp has registered the listener still closes it (go-smtp's own
// Shutdown would miss it and Serve would accept forever), and ends
// Serve with nil as go-smtp's does.
func serve(gs *gosmtp.Server, wl wireListener) error {
	set := wl.conns
	set.mu.Lock()
	if set.closed {
		set.mu.Unlock()
		wl.Listener.Close()
		return nil
	}
	set.lns = append(set.lns, wl.Listener)
	set.mu.Unlock()
	err := gs.Serve(wl)
	set.mu.Lock()
	closed := set.closed
	set.mu.Unlock()
	if closed && errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
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
	lns := set.lns
	set.lns = nil
	set.mu.Unlock()
	for _, l := range lns {
		l.Close() // closed already when go-smtp had it: no matter
	}
	for _, c := range open {
		c.Conn.Close()
	}
	err := gs.Shutdown(context.Background())
	if errors.Is(err, net.ErrClosed) || errors.Is(err, gosmtp.ErrServerClosed) {
		return nil
	}
	return err
}

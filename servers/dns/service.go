package dns

import (
	"errors"
	"io"
	"net"
	"sync"

	mdns "github.com/miekg/dns"
)

// Service serves one handler on any number of sockets and stops them all,
// as go-smtp's Server does: Close closes the sockets and waits for every
// connection goroutine ServeTCP started. The loops themselves run in the
// caller's goroutines, as with go-smtp's Serve. In a simulation, close
// the world first: the goroutines need the kernel to end.
type Service struct {
	Handler mdns.Handler
	Limits  TCPLimits // on TCP connections; zero: none

	mu      sync.Mutex
	closed  bool
	sockets []io.Closer
	conns   connCount
}

// ServeUDP is ServeUDP on pc, which Close closes.
func (s *Service) ServeUDP(pc net.PacketConn) error {
	if !s.track(pc) {
		pc.Close() // closed before it began: the socket is its to close
		return net.ErrClosed
	}
	return ServeUDP(pc, s.Handler)
}

// ServeTCP is ServeTCP on l, which Close closes.
func (s *Service) ServeTCP(l net.Listener) error {
	if !s.track(l) {
		l.Close()
		return net.ErrClosed
	}
	return serveTCP(l, s.Handler, &s.conns, s.Limits)
}

func (s *Service) track(c io.Closer) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.sockets = append(s.sockets, c)
	return true
}

// Close closes every socket served (one closed already is no error) and
// waits for the TCP connections' goroutines to end.
func (s *Service) Close() error {
	s.mu.Lock()
	s.closed = true
	sockets := s.sockets
	s.sockets = nil
	s.mu.Unlock()
	var errs []error
	for _, c := range sockets {
		if err := c.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	s.conns.wait()
	return errors.Join(errs...)
}

// connCount counts connection goroutines; a nil one counts nothing.
type connCount struct {
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

// add counts one more, unless closed.
func (c *connCount) add() bool {
	if c == nil {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.wg.Add(1)
	return true
}

func (c *connCount) done() {
	if c != nil {
		c.wg.Done()
	}
}

// wait refuses new connections and waits for the counted ones.
func (c *connCount) wait() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.wg.Wait()
}

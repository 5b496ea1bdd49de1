package pop3

import (
	"errors"
	"net"
	"sync"
	"time"

	"mailsim/servers/env"
)

// ErrServerClosed is returned by Serve after Close.
var ErrServerClosed = errors.New("pop3: server closed")

// Default limits.
const (
	// DefaultMaxLineLength is the longest command line accepted, CRLF
	// excluded. RFC 2449 section 4 allows 255 octets of arguments and a
	// 512-octet line for responses; we accept 512 for commands too.
	DefaultMaxLineLength = 512
	// DefaultMaxBadCommands is how many bad commands a client may send
	// before the server hangs up, as real servers do against junk.
	DefaultMaxBadCommands = 10
)

// Server is a POP3 server. Set its fields before calling Serve.
type Server struct {
	// Domain is the host name in the greeting, e.g. "pop.comentum.com".
	Domain string
	// MaxLineLength bounds command lines; 0 means DefaultMaxLineLength.
	MaxLineLength int
	// MaxBadCommands: after this many -ERR replies to bad commands
	// (unknown, malformed, out of sequence, failed logins) the server
	// closes the connection. 0 means DefaultMaxBadCommands, <0 no limit.
	MaxBadCommands int
	// Backend checks logins and holds the maildrops.
	Backend Backend
	// IdleTimeout is the autologout timer of RFC 1939 section 3: a
	// client that sends nothing for this long (or stops reading our
	// replies for this long) is disconnected without entering UPDATE, so
	// nothing it marked with DELE is deleted and its maildrop is
	// unlocked. 0 means DefaultIdleTimeout, <0 no timer. It needs Env:
	// the deadlines come from Env.Deadline.
	IdleTimeout time.Duration
	// Env, if set, receives short notes (logins, deletions) via Logf and
	// supplies the clock for IdleTimeout. Without an Env the server sets
	// no deadlines at all, so an idle client holds its maildrop lock
	// until it disconnects or Close is called.
	Env env.Env

	mu        sync.Mutex
	closed    bool
	listeners []net.Listener
	conns     map[*conn]struct{}
	seq       uint64
	wg        sync.WaitGroup // connection goroutines running
}

// NewServer returns a server for be with default limits.
func NewServer(be Backend) *Server {
	return &Server{Backend: be, MaxLineLength: DefaultMaxLineLength, MaxBadCommands: DefaultMaxBadCommands, IdleTimeout: DefaultIdleTimeout}
}

// Serve accepts connections on l, one goroutine per connection, until l
// fails or the server is closed. After Close it returns nil.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		if l != nil {
			l.Close() // served after Close: not left open
		}
		return ErrServerClosed
	}
	s.listeners = append(s.listeners, l)
	s.mu.Unlock()

	for {
		nc, err := l.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return nil
			}
			// No retry with back-off: that would need a sleep, and
			// both the simulator's and loopback listeners only fail
			// for good.
			return err
		}
		c := newConn(s, nc)
		if !s.track(c) {
			nc.Close()
			return nil
		}
		// One goroutine per connection, as go-smtp does.
		go func() {
			defer s.untrack(c)
			c.serve()
		}()
	}
}

// Close closes the listeners and every live connection, then waits for
// the connections' goroutines to end, as go-smtp's Server does: readers
// blocked on them wake with an error, and each goroutine unlocks its
// maildrop without deleting anything. A listener closed already (the
// simulated world ended first) is no error. In a simulation, close the
// world first: the goroutines need the kernel to end.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrServerClosed
	}
	s.closed = true
	var err error
	for _, l := range s.listeners {
		if lerr := l.Close(); lerr != nil && err == nil && !errors.Is(lerr, net.ErrClosed) {
			err = lerr
		}
	}
	for c := range s.conns {
		c.nc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if s.conns == nil {
		s.conns = map[*conn]struct{}{}
	}
	s.seq++
	c.seq = s.seq
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	s.wg.Done()
}

func (s *Server) logf(format string, args ...any) {
	if s.Env != nil {
		s.Env.Logf(format, args...)
	}
}

func (s *Server) maxLine() int {
	if s.MaxLineLength > 0 {
		return s.MaxLineLength
	}
	return DefaultMaxLineLength
}

func (s *Server) maxBad() int {
	if s.MaxBadCommands == 0 {
		return DefaultMaxBadCommands
	}
	return s.MaxBadCommands
}

// idle returns the autologout timeout and the clock to measure it with,
// or a nil clock when there is no timer.
func (s *Server) idle() (time.Duration, func(time.Duration) time.Time) {
	if s.Env == nil || s.IdleTimeout < 0 {
		return 0, nil
	}
	if s.IdleTimeout == 0 {
		return DefaultIdleTimeout, s.Env.Deadline
	}
	return s.IdleTimeout, s.Env.Deadline
}

package smtp

import (
	"net/netip"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// Failed logins are counted per client address across connections, as
// Postfix's anvil counts a client's errors: after maxAuthFailures within
// authFailureWindow of virtual time, AUTH gets 421 and the connection
// ends, so a password cannot be guessed by reconnecting.
const (
	maxAuthFailures   = 3
	authFailureWindow = 10 * time.Minute
)

type authFailures struct {
	n    int
	last time.Time
}

// tooManyAuthFailures reports whether ip is over the limit now.
func (s *Server) tooManyAuthFailures(ip netip.Addr) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.authFails[ip]
	return f != nil && f.n >= maxAuthFailures && s.env.Now().Sub(f.last) < authFailureWindow
}

// authFailed counts a failure and reports whether ip is now over the limit.
func (s *Server) authFailed(ip netip.Addr) bool {
	now := s.env.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.authFails == nil {
		s.authFails = map[netip.Addr]*authFailures{}
	}
	f := s.authFails[ip]
	if f == nil || now.Sub(f.last) >= authFailureWindow {
		f = &authFailures{}
		s.authFails[ip] = f
	}
	f.n++
	f.last = now
	return f.n >= maxAuthFailures
}

// authSucceeded forgets ip's failures.
func (s *Server) authSucceeded(ip netip.Addr) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.authFails, ip)
}

func errTooManyAuthFailures(hostname string) *gosmtp.SMTPError {
	return reply(421, gosmtp.EnhancedCode{4, 7, 0}, "%s Error: too many authentication failures", hostname)
}

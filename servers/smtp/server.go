package smtp

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"
	"sync"

	gosmtp "github.com/emersion/go-smtp"

	"mailsim/servers/env"
)

// Server is one ISP's MTA: the SMTP listener side (policy in session.go)
// and the outbound queue (queue.go).
type Server struct {
	cfg     Config
	env     env.Env
	smtp    *gosmtp.Server
	sub     *gosmtp.Server // the submission port (RFC 6409): AUTH required
	domains map[string]bool
	boxes   map[string]string // normalized address → mailbox
	folded  map[string]string // the same, local part lower-cased
	pmBox   string            // the postmaster's mailbox, "" if none
	pmAddr  address           // where postmaster aliases are re-addressed
	doubles map[string]bool   // queue ids of double bounces, never bounced again (under mu)
	// authFails counts failed logins per client (authlimit.go, under mu).
	authFails map[netip.Addr]*authFailures

	mu     sync.Mutex // guards queue, closed and use of env.Rand
	queue  map[string]*job
	ids    map[string]int // queue ids in use: jobs per id, so newID needs no scan
	closed bool
	jobs   sync.WaitGroup // queue goroutines running
	conns  connSet
}

// New checks cfg and builds a server; call Serve to start it.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:     cfg,
		env:     cfg.Env,
		domains: map[string]bool{},
		boxes:   map[string]string{},
		folded:  map[string]string{},
		queue:   map[string]*job{},
		ids:     map[string]int{},
	}
	for _, d := range cfg.Domains {
		s.domains[normDomain(d)] = true
	}
	for addr, box := range cfg.Mailboxes {
		a, _ := parseAddress(addr) // checked by withDefaults
		s.boxes[a.String()] = box
	}
	s.folded = foldBoxes(s.boxes)
	if s.pmBox = s.postmasterBox(); s.pmBox != "" {
		s.pmAddr = s.postmasterTarget()
	}
	s.smtp = s.newGoSMTP(backend{s: s})
	s.sub = s.newGoSMTP(backend{s: s, submission: true})
	return s, nil
}

// newGoSMTP makes a go-smtp server for one of our ports.
func (s *Server) newGoSMTP(b backend) *gosmtp.Server {
	cfg := s.cfg
	gs := gosmtp.NewServer(b)
	gs.Domain = cfg.Hostname
	// RFC 5321 §4.5.3.1.6: a text line is at most 1000 octets with CRLF.
	gs.MaxLineLength = 1000
	gs.MaxMessageBytes = cfg.MaxMessageBytes
	gs.MaxRecipients = cfg.MaxRecipients
	// No TLS exists in the simulation, so AUTH is offered in clear text.
	gs.AllowInsecureAuth = true
	gs.ErrorLog = envLogger{cfg.Env, "smtp"}
	// RFC 5321 §4.5.3.2.7: wait at least 5 minutes for a command. go-smtp
	// sets deadlines from time.Now(); wireConn converts them for the
	// host's conns (virtual time in the simulation). A client that does
	// not read its replies is given as long.
	gs.ReadTimeout = cfg.IdleTimeout
	gs.WriteTimeout = cfg.IdleTimeout
	return gs
}

// Serve accepts SMTP connections on l until Close. It returns nil after
// Close.
func (s *Server) Serve(l net.Listener) error { return s.serve(s.smtp, l) }

// ServeSubmission accepts mail from users' programs on l (port 587,
// RFC 6409): the same server, but every client must log in (AUTH)
// before MAIL, wherever it connects from.
func (s *Server) ServeSubmission(l net.Listener) error { return s.serve(s.sub, l) }

func (s *Server) serve(gs *gosmtp.Server, l net.Listener) error {
	opts := wireOpts{replies: smtpReplies(s.cfg.Hostname), texts: postfixTexts, textHost: s.cfg.Hostname, deadline: wallDeadline(s.cfg.Env, gs), checkHelo: true}
	if s.pmBox != "" {
		opts.postmasterDomain = normDomain(s.cfg.Domains[0])
	}
	if s.cfg.DataTimeout > s.cfg.IdleTimeout {
		opts.dataExtra = s.cfg.DataTimeout - s.cfg.IdleTimeout
	}
	return serve(gs, wireListener{l, opts, &s.conns})
}

// Close stops the listeners and connections, and waits for their
// goroutines and the queue's to end. Queued messages stop being retried
// at their next wake-up. In a simulation, close the world first
// (world.Runtime.Close does): the goroutines need the kernel to end.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	// One set of conns for both ports: the first shutdown closes them all,
	// each waits for its own server's goroutines.
	err := errors.Join(shutdown(s.smtp, &s.conns), shutdown(s.sub, &s.conns))
	s.jobs.Wait()
	return err
}

// Hostname is the server's configured name.
func (s *Server) Hostname() string { return s.cfg.Hostname }

// isLocalDomain reports whether mail for domain d is delivered here.
func (s *Server) isLocalDomain(d string) bool { return s.domains[normDomain(d)] }

// mailbox finds the mailbox of a local address. Local parts are
// case-sensitive by the RFC, but like most servers we fall back to a
// case-insensitive match. Postmaster always has one (postmaster.go).
func (s *Server) mailbox(a address) (string, bool) {
	if box, ok := s.explicitBox(a); ok {
		return box, true
	}
	if s.isPostmasterAlias(a) {
		return s.pmBox, true
	}
	return "", false
}

// explicitBox looks a up in Config.Mailboxes.
func (s *Server) explicitBox(a address) (string, bool) { return findBox(s.boxes, s.folded, a) }

// foldBoxes maps each address of boxes, lower-cased, to the mailbox of
// the first (sorted) of its case variants, so the choice is the same on
// every run and on the SMTP and LMTP servers alike.
func foldBoxes(boxes map[string]string) map[string]string {
	addrs := make([]string, 0, len(boxes))
	for a := range boxes {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	folded := make(map[string]string, len(addrs))
	for _, a := range addrs {
		if f := strings.ToLower(a); folded[f] == "" {
			folded[f] = boxes[a]
		}
	}
	return folded
}

// findBox is a's mailbox: by the address as written, else by it in any
// case, as Postfix and Dovecot match local parts.
func findBox(boxes, folded map[string]string, a address) (string, bool) {
	if box, ok := boxes[a.String()]; ok {
		return box, true
	}
	box, ok := folded[strings.ToLower(a.String())]
	return box, ok
}

// isLocalNet reports whether ip is inside the ISP's own networks.
func (s *Server) isLocalNet(ip netip.Addr) bool {
	for _, p := range s.cfg.LocalNets {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// newID returns a fresh queue id, Postfix style: 10 hex digits from the
// host's seeded random source. Call with s.mu held.
func (s *Server) newID() string {
	for {
		id := fmt.Sprintf("%010X", s.env.Rand().Int63()&0xFFFFFFFFFF)
		if !s.idInUse(id) {
			return id
		}
	}
}

func (s *Server) idInUse(id string) bool { return s.ids[id] > 0 }

// randHex returns n random hex digits. Call with s.mu held.
func (s *Server) randHex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	r := s.env.Rand()
	for i := range b {
		b[i] = digits[r.Intn(16)]
	}
	return string(b)
}

// remoteIP extracts the client address from a connection's RemoteAddr,
// whichever net.Addr type the network gives.
func remoteIP(a net.Addr) netip.Addr {
	if a == nil {
		return netip.Addr{}
	}
	if t, ok := a.(*net.TCPAddr); ok {
		return t.AddrPort().Addr().Unmap()
	}
	if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		return ap.Addr().Unmap()
	}
	if ip, err := netip.ParseAddr(a.String()); err == nil {
		return ip.Unmap()
	}
	return netip.Addr{}
}

// envLogger sends go-smtp's internal error log to the host's trace
// instead of stderr.
type envLogger struct {
	e      env.Env
	prefix string
}

var _ gosmtp.Logger = envLogger{}

func (l envLogger) Printf(format string, v ...any) {
	l.e.Logf("%s: %s", l.prefix, strings.TrimSpace(fmt.Sprintf(format, v...)))
}

func (l envLogger) Println(v ...any) {
	l.e.Logf("%s: %s", l.prefix, strings.TrimSpace(fmt.Sprintln(v...)))
}

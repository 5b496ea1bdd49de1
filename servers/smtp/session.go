package smtp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"

	gosmtp "github.com/emersion/go-smtp"
)

// backend makes a session per connection for go-smtp.
type backend struct {
	s          *Server
	submission bool // the submission port: AUTH before MAIL, no trust by address
}

var _ gosmtp.Backend = backend{}

func (b backend) NewSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	ip := remoteIP(c.Conn().RemoteAddr())
	return &session{s: b.s, conn: c, ip: ip, trusted: !b.submission && b.s.isLocalNet(ip), submission: b.submission}, nil
}

// session holds one client's policy state: who it is and the envelope
// of the transaction in progress.
type session struct {
	s       *Server
	conn    *gosmtp.Conn
	ip      netip.Addr
	trusted bool   // client inside LocalNets
	user    string // mailbox after AUTH, "" before
	// submission: this is the submission port, where MAIL needs AUTH.
	submission bool

	from    string
	hasFrom bool
	size    int64 // MAIL FROM's SIZE= (RFC 1870), 0 if not given
	rcpts   []address
}

var (
	_ gosmtp.Session     = (*session)(nil)
	_ gosmtp.AuthSession = (*session)(nil)
)

// mayRelay reports whether the client is one of the ISP's own users, who
// may send mail to any destination.
func (ss *session) mayRelay() bool { return ss.trusted || ss.user != "" }

func (ss *session) Reset() {
	ss.from, ss.hasFrom, ss.rcpts, ss.size = "", false, nil, 0
}

func (ss *session) Logout() error { return nil }

// Mail checks the reverse-path: its syntax, and that its domain exists,
// so bounces have somewhere to go.
func (ss *session) Mail(from string, opts *gosmtp.MailOptions) error {
	ss.Reset()
	if opts != nil {
		ss.size = opts.Size
	}
	if ss.submission && ss.user == "" {
		ss.s.env.Logf("refused MAIL from %s on the submission port: no AUTH", ss.ip)
		return errAuthRequired
	}
	if from == "" { // the null reverse-path of a bounce (RFC 5321 §4.5.5)
		ss.hasFrom = true
		return nil
	}
	a, err := parseAddress(from)
	if err != nil {
		return errBadSender(from, err)
	}
	if !ss.s.isLocalDomain(a.Domain) {
		if err := ss.s.checkSenderDomain(a); err != nil {
			ss.s.env.Logf("rejected sender %s from %s: %s", a, ss.ip, err.Message)
			return err
		}
	}
	ss.from, ss.hasFrom = a.String(), true
	return nil
}

// checkSenderDomain looks the sender's domain up: it must have an MX or,
// failing that, an address (RFC 5321 §5.1), and no null MX.
func (s *Server) checkSenderDomain(a address) *gosmtp.SMTPError {
	ctx := context.Background()
	mxs, err := s.cfg.Resolver.LookupMX(ctx, a.Domain)
	switch {
	case err == nil && isNullMX(mxs):
		return errSenderNullMX(a.String())
	case err == nil && len(mxs) > 0:
		return nil
	case err != nil && !isNotFound(err):
		return errSenderDomainTemp(a.String())
	}
	_, err = s.cfg.Resolver.LookupHost(ctx, a.Domain)
	switch {
	case err == nil:
		return nil
	case isNotFound(err):
		return errSenderDomainNotFound(a.String())
	default:
		return errSenderDomainTemp(a.String())
	}
}

// Rcpt applies the relay policy: mail for our own domains is taken from
// anyone (if the mailbox exists), other destinations only from our users.
func (ss *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	a, err := parseAddress(to)
	if err != nil {
		return errBadRecipient(to, err)
	}
	if ss.s.isLocalDomain(a.Domain) {
		a = ss.s.expandPostmaster(a)
		box, ok := ss.s.mailbox(a)
		if !ok || (ss.s.cfg.LMTPAddr == "" && !ss.s.cfg.Store.HasUser(box)) {
			ss.s.env.Logf("rejected recipient %s from %s: user unknown", a, ss.ip)
			return errUnknownUser(a.String())
		}
		if ss.s.cfg.Store != nil && !ss.s.cfg.Store.Fits(box, max(ss.size, 1)) {
			ss.s.env.Logf("rejected recipient %s from %s: mailbox full", a, ss.ip)
			return errMailboxFull(a.String())
		}
	} else if !ss.mayRelay() && !ss.s.isRelayDomain(a.Domain) {
		ss.s.env.Logf("rejected relay to %s from %s", a, ss.ip)
		return errRelayDenied(a.String())
	}
	for _, r := range ss.rcpts {
		if r == a { // RFC 5321 §3.3: duplicates get one copy
			return nil
		}
	}
	ss.rcpts = append(ss.rcpts, a)
	return nil
}

// Data takes the whole message, then hands it to the store and queue.
// Only when that has succeeded does go-smtp say 250; a client that hangs
// up mid-DATA gets nothing delivered.
func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		var se *gosmtp.SMTPError
		var ne net.Error
		switch {
		case errors.Is(err, gosmtp.ErrTooLongLine):
			// go-smtp's reader stays failed, so it would answer its
			// next read with a reply of its own; hanging up after ours
			// keeps it to one reply for the DATA.
			ss.s.env.Logf("rejected message from %s: line too long", ss.ip)
			hangUpAfterReply(ss.conn.Conn())
			return errLineTooLong
		case errors.As(err, &se):
			return se // over the size limit: go-smtp skips the rest
		case errors.As(err, &ne) && ne.Timeout():
			ss.s.env.Logf("timeout in DATA from %s", ss.ip)
			hangUpAfterReply(ss.conn.Conn())
			return errTimeout(ss.s.cfg.Hostname)
		}
		ss.s.env.Logf("aborted DATA from %s: %v", ss.ip, err)
		hangUpAfterReply(ss.conn.Conn())
		return err
	}
	if bytes.IndexByte(raw, 0) >= 0 {
		ss.s.env.Logf("rejected message from %s: NUL in the content", ss.ip)
		return errContentRejected
	}
	with := "ESMTP"
	if ss.user != "" {
		with = "ESMTPA" // RFC 3848
	}
	proto := "smtp"
	if ss.submission {
		proto = "submission"
	}
	return ss.s.accept(inbound{
		helo:  ss.conn.Hostname(),
		ip:    ss.ip,
		with:  with,
		proto: proto,
		from:  ss.from,
		rcpts: append([]address(nil), ss.rcpts...),
	}, raw)
}

// isNullMX reports an RFC 7505 null MX: a single MX with the root as host.
func isNullMX(mxs []*net.MX) bool {
	return len(mxs) == 1 && (mxs[0].Host == "." || mxs[0].Host == "")
}

// isNotFound reports a DNS answer that the name or record does not exist.
func isNotFound(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de) && de.IsNotFound
}

// trimDot drops a host name's trailing root dot.
func trimDot(h string) string { return strings.TrimSuffix(h, ".") }

package smtp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"

	gosmtp "github.com/emersion/go-smtp"

	"mailsim/servers/env"
	"mailsim/servers/store"
)

// LMTPConfig describes the LMTP server (RFC 2033) of a separate POP3
// host: the MTA hands it local mail, and it puts that into the host's
// store.
type LMTPConfig struct {
	// Hostname is the POP3 host's name, e.g. "pop3.comentum.com".
	Hostname string
	// Mailboxes maps full addresses to mailbox names, as in Config. When
	// nil, the local part is the mailbox name.
	Mailboxes map[string]string
	// Store is the POP3 host's mail store.
	Store *store.Store
	// Env is the host the server runs on.
	Env env.Env
	// Track, if set, is told of each message handed over.
	Track env.StepFunc
}

// LMTPServer delivers mail arriving over LMTP into a store.
type LMTPServer struct {
	cfg    LMTPConfig
	boxes  map[string]string // as Server's: address → mailbox
	folded map[string]string
	smtp   *gosmtp.Server

	mu    sync.Mutex // guards use of env.Rand
	seen  int
	conns connSet
}

// NewLMTP builds an LMTP server; call Serve to start it.
func NewLMTP(cfg LMTPConfig) (*LMTPServer, error) {
	switch {
	case cfg.Env == nil:
		return nil, errors.New("lmtp config: Env is required")
	case cfg.Store == nil:
		return nil, errors.New("lmtp config: Store is required")
	case cfg.Hostname == "":
		return nil, errors.New("lmtp config: Hostname is required")
	}
	l := &LMTPServer{cfg: cfg, boxes: map[string]string{}}
	for addr, box := range cfg.Mailboxes {
		a, err := parseAddress(addr)
		if err != nil {
			return nil, fmt.Errorf("lmtp config: mailbox address %q: %w", addr, err)
		}
		l.boxes[a.String()] = box
	}
	l.folded = foldBoxes(l.boxes)
	gs := gosmtp.NewServer(lmtpBackend{l})
	gs.LMTP = true
	gs.Domain = cfg.Hostname
	gs.MaxLineLength = 1000
	gs.MaxMessageBytes = DefaultMaxMessageBytes
	gs.MaxRecipients = DefaultMaxRecipients
	gs.ErrorLog = envLogger{cfg.Env, "lmtp"}
	// An idle LMTP client is dropped like an SMTP one; Serve converts
	// go-smtp's wall-clock deadlines for the host's conns.
	gs.ReadTimeout = DefaultIdleTimeout
	gs.WriteTimeout = DefaultIdleTimeout
	l.smtp = gs
	return l, nil
}

// Serve accepts LMTP connections on ln until Close.
func (l *LMTPServer) Serve(ln net.Listener) error {
	return serve(l.smtp, wireListener{ln, wireOpts{replies: lmtpReplies(), texts: dovecotTexts, textHost: l.cfg.Hostname, deadline: wallDeadline(l.cfg.Env, l.smtp)}, &l.conns})
}

// Close stops the listeners and connections and waits for their
// goroutines to end (in a simulation, close the world first).
func (l *LMTPServer) Close() error { return shutdown(l.smtp, &l.conns) }

// mailbox maps a recipient to a mailbox that exists in the store.
func (l *LMTPServer) mailbox(a address) (string, bool) {
	// Local parts match case-insensitively, as on the SMTP server, so
	// what it accepted for Bob@ is not refused here.
	box := a.Local
	if l.cfg.Mailboxes != nil {
		var ok bool
		if box, ok = findBox(l.boxes, l.folded, a); !ok {
			return "", false
		}
	} else if !l.cfg.Store.HasUser(box) {
		box = strings.ToLower(box)
	}
	return box, l.cfg.Store.HasUser(box)
}

type lmtpBackend struct{ l *LMTPServer }

var _ gosmtp.Backend = lmtpBackend{}

func (b lmtpBackend) NewSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	return &lmtpSession{l: b.l, conn: c, ip: remoteIP(c.Conn().RemoteAddr())}, nil
}

// lmtpSession is one LMTP client (the MTA). Recipients are checked at
// RCPT, so each gets its own reply there; after DATA go-smtp repeats
// the delivery result once per accepted recipient (RFC 2033 §4.2).
//
// It deliberately does not implement gosmtp.LMTPSession: go-smtp runs
// that in a goroutine of its own and hands statuses over channels, which
// the simulator could not see.
type lmtpSession struct {
	l     *LMTPServer
	conn  *gosmtp.Conn
	ip    netip.Addr
	from  string
	size  int64    // MAIL FROM's SIZE=, 0 if not given
	rcpts []string // mailboxes
	addrs []address
}

var _ gosmtp.Session = (*lmtpSession)(nil)

func (ls *lmtpSession) Reset()        { ls.from, ls.rcpts, ls.addrs, ls.size = "", nil, nil, 0 }
func (ls *lmtpSession) Logout() error { return nil }

func (ls *lmtpSession) Mail(from string, opts *gosmtp.MailOptions) error {
	ls.Reset()
	if opts != nil {
		ls.size = opts.Size
	}
	if from != "" {
		a, err := parseAddress(from)
		if err != nil {
			return errBadSender(from, err)
		}
		from = a.String()
	}
	ls.from = from
	return nil
}

func (ls *lmtpSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	a, err := parseAddress(to)
	if err != nil {
		return errBadRecipient(to, err)
	}
	box, ok := ls.l.mailbox(a)
	if !ok {
		return errUnknownUser(a.String())
	}
	// Like Dovecot's LMTP: a full mailbox, or one this message (by its
	// SIZE=) would overflow, is refused at RCPT, per recipient.
	if !ls.l.cfg.Store.Fits(box, max(ls.size, 1)) {
		ls.l.cfg.Env.Logf("refused %s: mailbox %s full", a, box)
		return errLMTPQuota(a.String())
	}
	ls.rcpts = append(ls.rcpts, box)
	ls.addrs = append(ls.addrs, a)
	return nil
}

// Data stores one copy per recipient, each with the trace fields of the
// final delivery: Return-Path and a Received "with LMTP".
func (ls *lmtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		if errors.Is(err, gosmtp.ErrTooLongLine) {
			return errLineTooLong
		}
		return err
	}
	e := ls.l.cfg.Env
	now := e.Now()
	ls.l.mu.Lock()
	ls.l.seen++
	id := fmt.Sprintf("L%09d", ls.l.seen)
	ls.l.mu.Unlock()
	header, body := splitMessage(toCRLF(raw))
	ip := "unknown"
	if ls.ip.IsValid() {
		ip = ls.ip.String()
	}
	msg := joinMessage(receivedField(ls.conn.Hostname(), ip, ls.l.cfg.Hostname, "LMTP", id, now), header, "", body)
	final := finalCopy(ls.from, msg)
	names := make([]string, len(ls.addrs))
	for i, a := range ls.addrs {
		names[i] = a.String()
	}
	if len(names) > 0 { // the per-recipient reply, for the first
		ls.l.cfg.Track.Report(env.Step{Kind: env.StepHanded, MessageID: fieldValue(header, "Message-ID"), QueueID: id,
			From: ip, To: ls.l.cfg.Hostname, Proto: "lmtp", Reply: "250 2.0.0 <" + names[0] + "> " + lmtpSaved(id).Message, Rcpts: names, Sender: ls.from})
	}
	for i, box := range ls.rcpts {
		if _, err := ls.l.cfg.Store.Deliver(box, final, now); err != nil {
			if errors.Is(err, store.ErrQuota) {
				return errLMTPQuota(ls.addrs[i].String())
			}
			return errStoreFailed
		}
		e.Logf("delivered %s for %s to mailbox %s", id, ls.addrs[i], box)
	}
	return lmtpSaved(id)
}

// attemptLMTP hands j to the POP3 host's LMTP server, which answers for
// each recipient separately after the data (RFC 2033 §4.2).
func (s *Server) attemptLMTP(j *job) []*DeliveryError {
	addr := s.cfg.LMTPAddr
	conn, err := s.env.Dial(context.Background(), "tcp", addr)
	if err != nil {
		return all(j, &DeliveryError{Status: "4.4.1", Err: err, Text: fmt.Sprintf("connect to %s: %s", addr, netErrText(err))})
	}
	c := newClient(s.env, conn, true)
	defer c.Close()
	fail := func(command string, err error) []*DeliveryError { return all(j, transferError(addr, command, err)) }
	if err := c.Hello(s.cfg.Hostname); err != nil {
		return fail("LHLO", err)
	}
	if err := c.Mail(j.from, &gosmtp.MailOptions{Size: int64(len(j.data))}); err != nil {
		return fail("MAIL FROM", err)
	}
	res := make([]*DeliveryError, len(j.rcpts))
	var accepted []int
	for i, r := range j.rcpts {
		err := c.Rcpt(r.String(), nil)
		var se *gosmtp.SMTPError
		switch {
		case err == nil:
			accepted = append(accepted, i)
		case errors.As(err, &se):
			res[i] = fromSMTP(addr, "RCPT TO", se)
		default:
			return fail("RCPT TO", err)
		}
	}
	if len(accepted) == 0 {
		c.Quit()
		return res
	}
	w, err := c.Data()
	if err != nil {
		return mergeAccepted(res, accepted, fail("DATA", err))
	}
	if _, err := w.Write(j.data); err != nil {
		return mergeAccepted(res, accepted, fail("end of DATA", err))
	}
	replies, err := w.CloseWithLMTPResponse()
	var perRcpt gosmtp.LMTPDataError
	if err != nil && !errors.As(err, &perRcpt) {
		return mergeAccepted(res, accepted, fail("end of DATA", err))
	}
	for _, i := range accepted {
		rcpt := j.rcpts[i].String()
		if se, ok := perRcpt[rcpt]; ok {
			res[i] = fromSMTP(addr, "end of DATA", se)
			continue
		}
		text := ""
		if r := replies[rcpt]; r != nil {
			text = r.StatusText
		}
		s.env.Logf("delivered %s to %s via LMTP %s: 250 %s", j.id, rcpt, addr, text)
	}
	c.Quit()
	return res
}

// mergeAccepted gives a transaction-wide failure to the accepted
// recipients, keeping the RCPT replies of the refused ones.
func mergeAccepted(res []*DeliveryError, accepted []int, failed []*DeliveryError) []*DeliveryError {
	for _, i := range accepted {
		res[i] = failed[i]
	}
	return res
}

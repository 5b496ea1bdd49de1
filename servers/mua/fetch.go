package mua

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"

	"mailsim/servers/env"
	"mailsim/servers/pop3"
)

// Downloaded is a message kept on the home PC after a download.
type Downloaded struct {
	UID     string    // the POP3 server's unique id
	Data    []byte    // the whole message, CRLF line endings
	Subject string    // decoded Subject header
	From    string    // From header, addresses as written
	To      string    // To header, addresses as written
	Date    time.Time // the Date header; zero if missing or unparsable
	// MessageID is the Message-ID header, angle brackets included.
	MessageID string
	When      time.Time // when it was downloaded (host clock)
}

// Report sums up one Send/Recv.
type Report struct {
	New     int // messages downloaded this time
	Deleted int // messages deleted from the server at QUIT
	Kept    int // messages left on the server
}

// FetchError is a failed Send/Recv: which server, at which POP3 step, and
// why. Err is often a *pop3.Error carrying the server's response code, or,
// when the server went quiet for the account's ServerTimeout, a net.Error
// whose Timeout() is true.
type FetchError struct {
	Server string
	Step   string // "connect", "greeting", "USER", "PASS", "UIDL", "RETR n", "DELE n", "QUIT"
	Err    error
}

func (e *FetchError) Error() string {
	return fmt.Sprintf("mua: checking mail at %s failed at %s: %v", e.Server, e.Step, e.Err)
}

func (e *FetchError) Unwrap() error { return e.Err }

// CheckMail is Send/Recv's receive half: log in over POP3, download the
// messages not seen before (by UIDL), delete them on the server unless
// LeaveOnServer, and QUIT so the deletions take effect.
//
// Messages downloaded before a failure stay in the Inbox; since nothing
// was deleted without QUIT, the next CheckMail deletes them without
// downloading them again.
//
// A server that sends nothing for the account's ServerTimeout ends the
// check with a timeout error instead of a hang; the connection is closed
// without QUIT, so nothing is deleted.
func (p *Program) CheckMail(ctx context.Context) (Report, error) {
	if p.acct.IMAPServer != "" {
		return p.checkIMAP(ctx)
	}
	var rep Report
	srv := p.acct.POP3Server
	who := p.acct.owner()
	timeout := p.acct.timeout()
	fail := func(step string, err error) (Report, error) {
		// Without a successful QUIT nothing marked was deleted.
		rep.Deleted = 0
		if env.IsTimeout(err) {
			p.e.Logf("%s's mail program: %s sent nothing for %v at %s; gave up, nothing deleted", who, srv, timeout, step)
		} else {
			p.e.Logf("%s's mail program: checking %s failed at %s: %v", who, srv, step, err)
		}
		return rep, &FetchError{Server: srv, Step: step, Err: err}
	}
	p.e.Logf("%s's mail program checks mail at %s", who, srv)
	nc, err := p.dial(ctx, srv, "")
	if err != nil {
		return fail(dialStep(err), err)
	}
	// The dial itself is bounded by ctx and the host's TCP connect
	// timeout; from here on, the server timeout bounds every wait.
	c, err := pop3.NewClientTimeout(nc, p.e, timeout)
	if err != nil {
		nc.Close()
		return fail("greeting", err)
	}
	defer c.Close()
	if err := c.User(p.acct.Username); err != nil {
		return fail("USER", err)
	}
	if err := c.Pass(p.acct.Password); err != nil {
		return fail("PASS", err)
	}
	list, err := c.UIDL()
	if err != nil {
		return fail("UIDL", err)
	}
	var fresh, dele []string // UIDs downloaded now, and deleted
	for _, m := range list {
		if !p.wasSeen(m.UID) {
			data, err := c.Retr(m.Num)
			if err != nil {
				return fail(fmt.Sprintf("RETR %d", m.Num), err)
			}
			id := p.keep(m.UID, data)
			p.track.Report(env.Step{Kind: env.StepDownloaded, MessageID: id, From: srv, To: p.e.Name(), Proto: "pop3",
				Reply: c.LastReply(), Detail: fmt.Sprintf("RETR %d", m.Num)})
			fresh = append(fresh, m.UID)
			rep.New++
		}
		if p.acct.LeaveOnServer {
			rep.Kept++
			continue
		}
		if err := c.Dele(m.Num); err != nil {
			return fail(fmt.Sprintf("DELE %d", m.Num), err)
		}
		dele = append(dele, m.UID)
		rep.Deleted++
	}
	if err := c.Quit(); err != nil {
		return fail("QUIT", err)
	}
	quit := c.LastReply()
	for _, uid := range dele {
		p.track.Report(env.Step{Kind: env.StepDeleted, MessageID: p.uidMessageID(uid), From: p.e.Name(), To: srv, Proto: "pop3", Reply: quit})
	}
	if p.acct.LeaveOnServer {
		for _, uid := range fresh {
			p.track.Report(env.Step{Kind: env.StepLeft, MessageID: p.uidMessageID(uid), From: p.e.Name(), To: srv, Proto: "pop3", Reply: quit})
		}
	}
	p.e.Logf("%s's mail program: %d new, %d deleted from the server, %d left there", who, rep.New, rep.Deleted, rep.Kept)
	return rep, nil
}

func (p *Program) wasSeen(uid string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.msgID[uid]
	return ok
}

// keep files a downloaded message in the Inbox and returns its
// Message-ID.
func (p *Program) keep(uid string, data []byte) string {
	if p.NoInbox {
		id := messageIDOf(data)
		p.mu.Lock()
		defer p.mu.Unlock()
		p.msgID[uid] = id
		return id
	}
	d := ParseDownloaded(data)
	if p.HeadersOnly {
		d.Data = nil
	}
	d.UID = uid
	d.When = p.e.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.msgID[uid] = d.MessageID
	p.inbox = append(p.inbox, d)
	return d.MessageID
}

func (p *Program) uidMessageID(uid string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.msgID[uid]
}

// ParseDownloaded reads the headers an inbox shows (Web Mail too). Mail from the wild
// may be malformed; what can't be parsed is left empty or raw.
func ParseDownloaded(data []byte) Downloaded {
	d := Downloaded{Data: data}
	th, err := readHeader(data)
	if err != nil && th.Len() == 0 {
		return d
	}
	h := mail.Header{Header: message.Header{Header: th}}
	if s, err := h.Subject(); err == nil {
		d.Subject = s
	} else {
		d.Subject = h.Get("Subject")
	}
	d.MessageID = strings.TrimSpace(h.Get("Message-ID"))
	d.From = addrs(h, "From")
	d.To = addrs(h, "To")
	d.Date = date(h)
	return d
}

// date reads the Date field. RFC 1123 with a numeric zone, what servers
// write, is tried first: net/mail tries a score of layouts before it.
func date(h mail.Header) time.Time {
	if t, err := time.Parse(time.RFC1123Z, strings.TrimSpace(h.Get("Date"))); err == nil {
		return t
	}
	t, _ := h.Date()
	return t
}

func addrs(h mail.Header, key string) string {
	list, err := h.AddressList(key)
	if err != nil || len(list) == 0 {
		return strings.TrimSpace(h.Get(key))
	}
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.String()
	}
	return strings.Join(out, ", ")
}

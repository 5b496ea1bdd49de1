package smtp

import (
	"bytes"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// wireListener wraps each accepted connection in a wireConn, the one
// place where go-smtp's wire behaviour is corrected: some of its replies
// are rewritten (below), the connection is closed after a reply that
// ends the session, and <postmaster> commands are rewritten on the way
// in (wireread.go).
type wireListener struct {
	net.Listener
	opts  wireOpts
	conns *connSet
}

// wireOpts are a listener's settings for the connections it wraps.
type wireOpts struct {
	replies []replyRewrite
	// texts put a real server's words in place of go-smtp's
	// (postfix.go, dovecot.go), with textHost as the server's name.
	texts    []textRewrite
	textHost string
	// postmasterDomain is added to a bare RCPT TO:<postmaster>; "" turns
	// the rewrite off (LMTP, or a server without local domains).
	postmasterDomain string
	// dataExtra is added to go-smtp's command read deadline when DATA
	// starts, so the message transfer gets DataTimeout in all.
	dataExtra time.Duration
	// deadline converts the deadlines go-smtp computes from the wall
	// clock for the conn (env.Env.WallDeadline); nil passes them as is.
	deadline func(time.Time) time.Time
	// checkHelo refuses HELO/EHLO names that are not domains or address
	// literals (hygiene.go).
	checkHelo bool
}

func (l wireListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	wc := &wireConn{Conn: c, opts: l.opts, set: l.conns}
	if !l.conns.add(wc) {
		c.Close() // the server is closing: its goroutine ends at once
	}
	return wc, nil
}

// Close forgets the connection before closing it.
func (c *wireConn) Close() error {
	c.set.remove(c)
	return c.Conn.Close()
}

// wireConn is one wrapped connection. go-smtp reads and writes it from
// the connection's goroutine, except that BDAT runs Session.Data in a
// goroutine of its own, hence the atomics.
type wireConn struct {
	net.Conn
	opts wireOpts
	set  *connSet

	reading  atomic.Bool // go-smtp waits in Read: no reply is being written
	hangUp   atomic.Bool // close once the next reply is out
	dead     atomic.Bool // closed by hang-up: later replies are dropped
	dataMode atomic.Bool // between the 354 reply and the lone "." line

	readDeadline atomic.Pointer[time.Time] // as go-smtp last set it, converted
	badHelo      atomic.Pointer[string]    // a refused HELO name, until its reply is out

	// Read side, touched only by Read (wireread.go).
	in, out  []byte
	buf      *[]byte // the array c.in reads into, from readBufs
	midLine  bool
	bdatLeft int64
	rerr     error
}

// replyRewrite is one go-smtp reply line and the line we send instead.
type replyRewrite struct{ from, to []byte }

// smtpReplies are the rewrites for the SMTP server. go-smtp flushes
// every reply line in one Write, so matching whole lines is reliable.
func smtpReplies(hostname string) []replyRewrite {
	return []replyRewrite{
		// RFC 5321 §4.2.4 and §4.3.2: commands out of order get 503 "bad
		// sequence of commands"; go-smtp says 502 "not implemented".
		{[]byte("502 5.5.1 Missing MAIL FROM command.\r\n"), []byte("503 5.5.1 Error: need MAIL command\r\n")},
		{[]byte("502 5.5.1 Missing RCPT TO command.\r\n"), []byte("503 5.5.1 Error: need RCPT command\r\n")},
		{[]byte("502 5.5.1 Please introduce yourself first.\r\n"), []byte("503 5.5.1 Error: send HELO/EHLO first\r\n")},
		// An overlong command line: the same reply as one inside DATA.
		// X.4.0 is a routing status (RFC 3463), X.5.2 a syntax error.
		{[]byte("500 5.4.0 Too long line, closing connection\r\n"), wireReply(errLineTooLong)},
		// RFC 5321 §3.8: a 421 names the server; go-smtp's does not.
		{[]byte("421 4.4.2 Idle timeout, bye bye\r\n"), wireReply(errTimeout(hostname))},
	}
}

// lmtpReplies are the rewrites for the LMTP server.
func lmtpReplies() []replyRewrite { return smtpReplies("")[:4] }

func (c *wireConn) Write(b []byte) (int, error) {
	if c.dead.Load() {
		return 0, net.ErrClosed
	}
	out, fixed := b, false
	if bad := c.badHelo.Swap(nil); bad != nil && bytes.Equal(b, goSMTPNoHelo) {
		out, fixed = heloRejected(*bad), true
	}
	for _, r := range c.opts.replies {
		if !fixed && bytes.Equal(b, r.from) {
			out, fixed = r.to, true
			break
		}
	}
	if !fixed {
		out = rewriteText(b, c.opts.texts, c.opts.textHost)
	}
	out = sanitizeReply(out)
	if bytes.HasPrefix(b, []byte("354 ")) {
		c.startData()
	}
	_, err := c.Conn.Write(out)
	if len(b) > 3 && b[3] == ' ' && c.hangUp.Load() {
		// The reply that ends the session is out. go-smtp would answer
		// its next read's failure with a second reply; the client has
		// had its one, so that one is dropped.
		c.dead.Store(true)
		c.Conn.Close()
	}
	if err != nil {
		return 0, err
	}
	return len(b), nil
}

// startData enters DATA mode and gives the transfer its own deadline,
// derived from the one go-smtp set when it read the DATA command, so no
// clock is read here.
func (c *wireConn) startData() {
	c.dataMode.Store(true)
	if t := c.readDeadline.Load(); c.opts.dataExtra > 0 && t != nil && !t.IsZero() {
		c.Conn.SetReadDeadline(t.Add(c.opts.dataExtra))
	}
}

// convert turns a deadline go-smtp set into one for the conn.
func (c *wireConn) convert(t time.Time) time.Time {
	if c.opts.deadline == nil {
		return t
	}
	return c.opts.deadline(t)
}

func (c *wireConn) SetReadDeadline(t time.Time) error {
	t = c.convert(t)
	c.readDeadline.Store(&t)
	return c.Conn.SetReadDeadline(t)
}

func (c *wireConn) SetDeadline(t time.Time) error {
	t = c.convert(t)
	c.readDeadline.Store(&t)
	return c.Conn.SetDeadline(t)
}

func (c *wireConn) SetWriteDeadline(t time.Time) error {
	return c.Conn.SetWriteDeadline(c.convert(t))
}

// hangUpAfterReply makes the session's next reply its last: the
// connection is closed once it is written. Data uses it when the input
// stream cannot be trusted any more (an overlong line, a timeout).
func hangUpAfterReply(c net.Conn) {
	if w, ok := c.(*wireConn); ok {
		w.hangUp.Store(true)
	}
}

// wireReply is how go-smtp writes the one-line reply se.
func wireReply(se *gosmtp.SMTPError) []byte {
	ec := se.EnhancedCode
	return fmt.Appendf(nil, "%d %d.%d.%d %s\r\n", se.Code, ec[0], ec[1], ec[2], se.Message)
}

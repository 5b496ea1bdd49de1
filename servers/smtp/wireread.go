package smtp

import (
	"bytes"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync"
)

// RFC 5321 §4.5.1 makes "RCPT TO:<postmaster>", without a domain, a
// command every server must accept. go-smtp's path parser insists on a
// domain and answers 501 before the session sees the command, so the
// wrapped connection adds the server's first domain on the way in and
// the session maps postmaster@domain to a mailbox (postmaster.go).
//
// To rewrite commands and nothing else, Read hands go-smtp one line at a
// time and follows the protocol's modes: after a 354 reply it passes
// message lines untouched until the lone "." (RFC 5321 §4.1.1.4), and
// after "BDAT n" it passes n octets untouched (RFC 3030). go-smtp asks
// for more input only when it needs the next line, so the mode is known
// exactly when a line is handed over.

// maxHeld is how much of an unfinished line Read waits for before it
// passes it on as it is: no command that needs rewriting is this long.
const maxHeld = 1024

// readBufs lends the arrays Read reads into: 4096 octets of room after
// the unfinished tail of a line, which is shorter than maxHeld.
var readBufs = sync.Pool{New: func() any { b := make([]byte, 4096+maxHeld); return &b }}

func (c *wireConn) Read(p []byte) (int, error) {
	c.reading.Store(true)
	defer c.reading.Store(false)
	if c.opts.postmasterDomain == "" && !c.opts.checkHelo {
		return c.Conn.Read(p)
	}
	if len(c.out) == 0 {
		if err := c.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

// next fills c.out with the next piece of input: a line, the rest of a
// long line, or part of a BDAT chunk. A read error is reported once,
// after the bytes that came before it.
func (c *wireConn) next() error {
	for {
		if c.bdatLeft > 0 && len(c.in) > 0 {
			n := min(int64(len(c.in)), c.bdatLeft)
			c.out, c.in = c.in[:n], c.in[n:]
			c.bdatLeft -= n
			return nil
		}
		if c.dataMode.Load() && !c.midLine && c.bdatLeft == 0 {
			// Message lines go up together, as far as the lone ".".
			if n, end := dataRun(c.in); n > 0 {
				c.out, c.in = c.in[:n], c.in[n:]
				if end {
					c.dataMode.Store(false)
				}
				return nil
			}
		}
		if i := bytes.IndexByte(c.in, '\n'); i >= 0 && c.bdatLeft == 0 {
			line := c.in[:i+1]
			c.in = c.in[i+1:]
			c.out = c.filter(line)
			c.midLine = false
			return nil
		}
		if len(c.in) >= maxHeld || (c.rerr != nil && len(c.in) > 0) {
			c.out, c.in = c.in, nil
			c.midLine = true
			return nil
		}
		if err := c.rerr; err != nil {
			c.rerr = nil // a timeout may be followed by a later deadline
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				// Nothing more will come: c.in is empty, and its
				// array can serve another connection.
				readBufs.Put(c.buf)
				c.buf, c.in, c.out = nil, nil, nil
			}
			return err
		}
		// Read straight into c.in's spare room. When it runs short, the
		// unread tail (shorter than maxHeld, or it would have gone up)
		// moves to the front of c.buf: c.out is empty, so nothing else
		// points into it. The room stays capped at 4096, as when a fresh
		// array was made here, so every Read asks for the same size.
		if cap(c.in)-len(c.in) < 512 {
			if c.buf == nil {
				c.buf = readBufs.Get().(*[]byte)
			}
			n := copy(*c.buf, c.in)
			c.in = (*c.buf)[: n : n+4096]
		}
		n, err := c.Conn.Read(c.in[len(c.in):cap(c.in)])
		c.in = c.in[:len(c.in)+n]
		c.rerr = err
	}
}

// filter looks at one whole line on its way to go-smtp, tracks the mode
// and returns the line, rewritten if it is a bare RCPT TO:<postmaster>.
func (c *wireConn) filter(line []byte) []byte {
	if c.midLine { // the tail of a line passed on in pieces
		return line
	}
	text := strings.TrimRight(string(line), "\r\n")
	if c.dataMode.Load() {
		if text == "." {
			c.dataMode.Store(false)
		}
		return line
	}
	if n, ok := bdatSize(text); ok {
		c.bdatLeft = n
		return line
	}
	if verb, name, ok := heloArg(text); ok && c.opts.checkHelo && name != "" && !validHelo(name) {
		c.badHelo.Store(&name)
		return []byte(verb + string(line[len(text):]))
	}
	if c.opts.postmasterDomain == "" {
		return line
	}
	if out, ok := rewritePostmaster(text, c.opts.postmasterDomain); ok {
		return []byte(out + string(line[len(text):]))
	}
	return line
}

// dataRun measures the whole message lines at the start of b, up to and
// including the lone "." that ends the message (end is then set).
func dataRun(b []byte) (n int, end bool) {
	for {
		i := bytes.IndexByte(b[n:], '\n')
		if i < 0 {
			return n, false
		}
		line := b[n : n+i+1]
		n += i + 1
		if string(bytes.TrimRight(line, "\r\n")) == "." {
			return n, true
		}
	}
}

// bdatSize parses "BDAT n [LAST]" as go-smtp does.
func bdatSize(text string) (int64, bool) {
	f := strings.Fields(text)
	if len(f) < 2 || !strings.EqualFold(f[0], "BDAT") {
		return 0, false
	}
	n, err := strconv.ParseUint(f[1], 10, 32)
	return int64(n), err == nil
}

// rewritePostmaster turns "RCPT TO:<postmaster>" (any case, optional
// space after the colon, optional ESMTP parameters) into the same
// command for <postmaster@domain>.
func rewritePostmaster(text, domain string) (string, bool) {
	if len(text) < 5 || !strings.EqualFold(text[:5], "RCPT ") {
		return "", false
	}
	rest := strings.TrimLeft(text[5:], " ")
	if len(rest) < 3 || !strings.EqualFold(rest[:3], "TO:") {
		return "", false
	}
	arg := strings.TrimLeft(rest[3:], " ")
	const pm = "<postmaster>"
	if len(arg) < len(pm) || !strings.EqualFold(arg[:len(pm)], pm) {
		return "", false
	}
	params := arg[len(pm):]
	if params != "" && params[0] != ' ' {
		return "", false
	}
	at := len(text) - len(arg)
	return text[:at] + arg[:len(pm)-1] + "@" + domain + ">" + params, true
}

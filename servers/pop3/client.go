package pop3

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"mailsim/servers/env"
)

// Client limits, chosen to bound what a hostile server can make us hold.
const (
	// DefaultClientMaxLine bounds any line from the server. RFC 5322
	// allows 998 octets per message line; real mail sometimes exceeds
	// it, so we allow much more but not without limit.
	DefaultClientMaxLine = 64 << 10
	// DefaultClientMaxResponse bounds one multi-line response (a RETR).
	DefaultClientMaxResponse = 64 << 20
)

// Client is a POP3 client on one connection. It is not safe for
// concurrent use.
type Client struct {
	// MaxResponse bounds one multi-line response in octets.
	MaxResponse int
	// Greeting is the text of the server's +OK greeting.
	Greeting string

	nc   net.Conn
	lr   *lineReader
	w    *bufio.Writer
	last string // the last status line
}

// NewClient reads the server's greeting on conn. It sets no deadlines: a
// server that goes quiet blocks it until the conn fails. Use
// NewClientTimeout, or set deadlines on conn yourself.
func NewClient(conn net.Conn) (*Client, error) {
	return newClient(conn, conn)
}

// NewClientTimeout is NewClient with a server timeout: if the server sends
// nothing for timeout while the client waits for the greeting or a reply
// (or accepts nothing of a command for that long), the call fails with an
// error for which env.IsTimeout is true, wrapping the conn's net.Error. The
// deadlines come from e.Deadline, so the timeout is virtual time in the
// simulator. timeout 0 means DefaultClientTimeout; <0 or a nil e, none.
//
// The timer restarts whenever data moves, so a slow link downloading a big
// message is not cut off; MaxResponse bounds what a server can send.
func NewClientTimeout(conn net.Conn, e env.Env, timeout time.Duration) (*Client, error) {
	if timeout == 0 {
		timeout = DefaultClientTimeout
	}
	var deadline func(time.Duration) time.Time
	if e != nil {
		deadline = e.Deadline
	}
	return newClient(conn, withIdle(conn, timeout, deadline))
}

// newClient reads and writes through rw and closes conn.
func newClient(conn, rw net.Conn) (*Client, error) {
	c := &Client{
		MaxResponse: DefaultClientMaxResponse,
		nc:          conn,
		lr:          newLineReader(rw, DefaultClientMaxLine),
		w:           bufio.NewWriter(rw),
	}
	text, err := c.status()
	if err != nil {
		return nil, err
	}
	c.Greeting = text
	return c, nil
}

// status reads a status line: the text after +OK, or an *Error.
func (c *Client) status() (string, error) {
	line, err := c.lr.readLine()
	if err != nil {
		return "", fmt.Errorf("pop3: reading reply: %w", err)
	}
	c.last = line
	switch {
	case line == "+OK" || strings.HasPrefix(line, "+OK "):
		return strings.TrimPrefix(strings.TrimPrefix(line, "+OK"), " "), nil
	case line == "-ERR" || strings.HasPrefix(line, "-ERR "):
		return "", parseErr(strings.TrimPrefix(strings.TrimPrefix(line, "-ERR"), " "))
	}
	return "", &ProtocolError{Line: line, Msg: "reply is neither +OK nor -ERR"}
}

// cmd sends one command line and reads its status line.
func (c *Client) cmd(format string, args ...any) (string, error) {
	line := fmt.Sprintf(format, args...)
	if strings.ContainsAny(line, "\r\n") {
		return "", fmt.Errorf("pop3: command contains a line break")
	}
	c.w.WriteString(line)
	c.w.WriteString("\r\n")
	if err := c.w.Flush(); err != nil {
		return "", fmt.Errorf("pop3: sending command: %w", err)
	}
	return c.status()
}

// multiline reads a dot-terminated body, removing the dot-stuffing. Lines
// come back with CRLF endings.
func (c *Client) multiline() ([]byte, error) {
	var buf bytes.Buffer
	for {
		line, err := c.lr.readLine()
		if err != nil {
			return nil, fmt.Errorf("pop3: reading multi-line reply: %w", err)
		}
		if line == "." {
			if b := buf.Bytes(); cap(b) > len(b)+len(b)/4 {
				return bytes.Clone(b), nil // kept in an Inbox: without the buffer's slack
			}
			return buf.Bytes(), nil
		}
		line = strings.TrimPrefix(line, ".")
		if buf.Len()+len(line)+2 > c.MaxResponse {
			return nil, &ProtocolError{Line: line, Msg: "multi-line reply exceeds size limit"}
		}
		buf.WriteString(line)
		buf.WriteString("\r\n")
	}
}

// User sends USER.
func (c *Client) User(name string) error {
	_, err := c.cmd("USER %s", name)
	return err
}

// Pass sends PASS.
func (c *Client) Pass(password string) error {
	_, err := c.cmd("PASS %s", password)
	return err
}

// Stat returns the number of messages and their total size.
func (c *Client) Stat() (count, size int, err error) {
	text, err := c.cmd("STAT")
	if err != nil {
		return 0, 0, err
	}
	f := strings.Fields(text)
	if len(f) < 2 {
		return 0, 0, &ProtocolError{Line: text, Msg: "bad STAT reply"}
	}
	count, err1 := atoiNonNeg(f[0])
	size, err2 := atoiNonNeg(f[1])
	if err1 != nil || err2 != nil {
		return 0, 0, &ProtocolError{Line: text, Msg: "bad STAT reply"}
	}
	return count, size, nil
}

// List returns every message's number and size (UID is empty).
func (c *Client) List() ([]MsgInfo, error) {
	return c.listing("LIST", func(m *MsgInfo, f string) error {
		n, err := atoiNonNeg(f)
		m.Size = n
		return err
	})
}

// UIDL returns every message's number and unique id (Size is 0).
func (c *Client) UIDL() ([]MsgInfo, error) {
	return c.listing("UIDL", func(m *MsgInfo, f string) error {
		if len(f) > 70 {
			return fmt.Errorf("uid too long")
		}
		m.UID = f
		return nil
	})
}

func (c *Client) listing(cmd string, second func(*MsgInfo, string) error) ([]MsgInfo, error) {
	if _, err := c.cmd("%s", cmd); err != nil {
		return nil, err
	}
	body, err := c.multiline()
	if err != nil {
		return nil, err
	}
	var out []MsgInfo
	for _, line := range strings.Split(string(body), "\r\n") {
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			return nil, &ProtocolError{Line: line, Msg: "bad " + cmd + " line"}
		}
		num, err := atoiNonNeg(f[0])
		if err != nil || num == 0 {
			return nil, &ProtocolError{Line: line, Msg: "bad " + cmd + " line"}
		}
		m := MsgInfo{Num: num}
		if err := second(&m, f[1]); err != nil {
			return nil, &ProtocolError{Line: line, Msg: "bad " + cmd + " line"}
		}
		out = append(out, m)
	}
	return out, nil
}

// Retr downloads message n, un-dot-stuffed, with CRLF line endings.
func (c *Client) Retr(n int) ([]byte, error) {
	if _, err := c.cmd("RETR %d", n); err != nil {
		return nil, err
	}
	return c.multiline()
}

// Top downloads the header of message n and its first lines body lines.
func (c *Client) Top(n, lines int) ([]byte, error) {
	if _, err := c.cmd("TOP %d %d", n, lines); err != nil {
		return nil, err
	}
	return c.multiline()
}

// Capa returns the server's capabilities (RFC 2449), one per line.
func (c *Client) Capa() ([]string, error) {
	if _, err := c.cmd("CAPA"); err != nil {
		return nil, err
	}
	body, err := c.multiline()
	if err != nil {
		return nil, err
	}
	var caps []string
	for _, line := range strings.Split(string(body), "\r\n") {
		if line != "" {
			caps = append(caps, line)
		}
	}
	return caps, nil
}

// Dele marks message n for deletion at QUIT.
func (c *Client) Dele(n int) error {
	_, err := c.cmd("DELE %d", n)
	return err
}

// Rset unmarks all messages marked for deletion.
func (c *Client) Rset() error {
	_, err := c.cmd("RSET")
	return err
}

// Noop does nothing but get a reply.
func (c *Client) Noop() error {
	_, err := c.cmd("NOOP")
	return err
}

// Quit ends the session; the server deletes the marked messages. It
// closes the connection whatever the reply.
func (c *Client) Quit() error {
	_, err := c.cmd("QUIT")
	if cerr := c.nc.Close(); err == nil && cerr != nil && !errors.Is(cerr, net.ErrClosed) {
		err = cerr
	}
	return err
}

// LastReply is the status line of the last reply, e.g. "+OK 732 octets".
func (c *Client) LastReply() string { return c.last }

// Close closes the connection without QUIT: nothing is deleted.
func (c *Client) Close() error { return c.nc.Close() }

func atoiNonNeg(s string) (int, error) {
	if !isDigits(s) || len(s) > 15 {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return strconv.Atoi(s)
}

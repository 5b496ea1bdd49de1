package pop3

import (
	"bufio"
	"errors"
	"fmt"
	"mailsim/servers/env"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
)

// state is the RFC 1939 session state.
type state int

const (
	stateAuthorization state = iota
	stateTransaction
	stateUpdate
)

// conn is one client connection and its state machine.
type conn struct {
	srv *Server
	nc  net.Conn
	lr  *lineReader
	w   *bufio.Writer

	state   state
	user    string // name given by USER, waiting for PASS
	sess    Session
	msgs    []MsgInfo
	deleted []bool
	bad     int // bad commands so far
	quit    bool

	seq     uint64      // accept order, for Server.Stop
	reading atomic.Bool // waiting for a command: no reply is being written
	gone    atomic.Bool // Server.Stop said goodbye
}

func newConn(s *Server, nc net.Conn) *conn {
	// Reads and writes go through the autologout timer; Close goes to
	// the raw conn.
	timeout, deadline := s.idle()
	rw := withIdle(nc, timeout, deadline)
	return &conn{srv: s, nc: nc, lr: newLineReader(rw, s.maxLine()), w: bufio.NewWriter(rw)}
}

// serve runs the connection to its end. On the way out it always closes
// the net.Conn (even if Server.Close already did) and unlocks the maildrop.
func (c *conn) serve() {
	defer func() {
		if r := recover(); r != nil {
			// A backend bug must not take the whole server down.
			c.reply("-ERR [SYS/TEMP] internal server error")
			c.srv.logf("pop3 internal error: %v", r)
		}
		if c.sess != nil {
			c.sess.Close()
			c.sess = nil
		}
		c.nc.Close()
	}()
	c.reply("+OK " + c.domain() + " POP3 server ready")
	for !c.quit {
		c.reading.Store(true)
		line, err := c.lr.readLine()
		c.reading.Store(false)
		if c.gone.Load() {
			return // Server.Stop answered and closed the connection
		}
		if errors.Is(err, ErrLineTooLong) {
			c.bad++
			c.reply("-ERR line too long")
			if c.tooManyBad() {
				return
			}
			continue
		}
		if env.IsTimeout(err) {
			c.autologout(true)
			return
		}
		if err != nil {
			if c.state == stateTransaction {
				c.srv.logf("%s's POP3 connection dropped without QUIT; nothing deleted", c.user)
			}
			return
		}
		c.handle(line)
		if err := c.w.Flush(); err != nil {
			if env.IsTimeout(err) {
				c.autologout(false)
			}
			return
		}
		if c.tooManyBad() {
			return
		}
	}
}

// autologout ends a session whose timer ran out (RFC 1939 section 3):
// the server closes the connection without entering UPDATE, so no
// message is deleted. The maildrop is unlocked before anything else, so
// the user's next session finds it free. Like Dovecot, the server says
// "-ERR Disconnected for inactivity." when the client went quiet
// (idleRead), and says nothing when the client stopped reading a reply:
// more output would only block again.
func (c *conn) autologout(idleRead bool) {
	timeout, _ := c.srv.idle()
	who := "an unauthenticated client"
	if c.state == stateTransaction {
		who = c.user
	}
	marked := 0
	for _, d := range c.deleted {
		if d {
			marked++
		}
	}
	what := "sent nothing"
	if !idleRead {
		what = "read nothing of our reply"
	}
	c.srv.logf("POP3 autologout: %s %s for %v; disconnected, %d message(s) marked for deletion kept", who, what, timeout, marked)
	if c.sess != nil {
		c.sess.Close()
		c.sess = nil
	}
	if idleRead {
		c.reply("-ERR Disconnected for inactivity.")
	}
}

func (c *conn) tooManyBad() bool {
	if max := c.srv.maxBad(); max > 0 && c.bad >= max {
		c.reply("-ERR too many bad commands, closing connection")
		return true
	}
	return false
}

func (c *conn) domain() string {
	if c.srv.Domain != "" {
		return c.srv.Domain
	}
	return "localhost"
}

func (c *conn) reply(line string) {
	c.w.WriteString(line)
	c.w.WriteString("\r\n")
	c.w.Flush()
}

// fail sends -ERR for a bad command and counts it.
func (c *conn) fail(text string) {
	c.bad++
	c.reply("-ERR " + text)
}

func (c *conn) replyErr(err error) {
	var pe *Error
	if errors.As(err, &pe) {
		if pe.Code != "" {
			c.reply("-ERR [" + pe.Code + "] " + oneLine(pe.Text))
		} else {
			c.reply("-ERR " + oneLine(pe.Text))
		}
		return
	}
	c.reply("-ERR [SYS/TEMP] " + oneLine(err.Error()))
}

// handle dispatches one command line. Keywords are case-insensitive; the
// argument of PASS is the rest of the line (passwords may hold spaces).
func (c *conn) handle(line string) {
	kw, rest, _ := strings.Cut(line, " ")
	kw = strings.ToUpper(kw)
	args := strings.Fields(rest)
	switch kw {
	case "CAPA":
		c.capa()
		return
	case "QUIT":
		c.quitCmd()
		return
	}
	if c.state == stateAuthorization {
		switch kw {
		case "USER":
			c.userCmd(args)
		case "PASS":
			c.passCmd(rest)
		case "STAT", "LIST", "UIDL", "RETR", "TOP", "DELE", "RSET", "NOOP":
			c.fail("command not valid in this state, log in first")
		default:
			c.fail("unknown command")
		}
		return
	}
	switch kw {
	case "STAT":
		if len(args) != 0 {
			c.fail("STAT takes no argument")
			return
		}
		n, size := c.live()
		c.reply(fmt.Sprintf("+OK %d %d", n, size))
	case "LIST":
		c.listCmd(args, false)
	case "UIDL":
		c.listCmd(args, true)
	case "RETR":
		if m, ok := c.msgArg(args, 1); ok {
			c.retr(m, -1)
		}
	case "TOP":
		if len(args) != 2 {
			c.fail("usage: TOP msg lines")
			return
		}
		m, ok := c.msgArg(args[:1], 1)
		if !ok {
			return
		}
		n, err := strconv.Atoi(args[1])
		if err != nil || n < 0 || !isDigits(args[1]) {
			c.fail("invalid line count")
			return
		}
		c.retr(m, n)
	case "DELE":
		if m, ok := c.msgArg(args, 1); ok {
			c.deleted[m.Num-1] = true
			c.reply(fmt.Sprintf("+OK message %d deleted", m.Num))
		}
	case "RSET":
		clear(c.deleted)
		n, size := c.live()
		c.reply(fmt.Sprintf("+OK maildrop has %d messages (%d octets)", n, size))
	case "NOOP":
		c.reply("+OK")
	case "USER", "PASS":
		c.fail("already logged in")
	default:
		c.fail("unknown command")
	}
}

func (c *conn) capa() {
	c.w.WriteString("+OK capability list follows\r\n")
	caps := []string{"TOP", "UIDL", "USER", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION mailsim-pop3"}
	for _, cp := range caps {
		c.w.WriteString(cp + "\r\n")
	}
	c.reply(".")
}

func (c *conn) userCmd(args []string) {
	if len(args) != 1 {
		c.user = ""
		c.fail("usage: USER name")
		return
	}
	c.user = args[0]
	c.reply("+OK send PASS")
}

func (c *conn) passCmd(pass string) {
	if c.user == "" {
		c.fail("USER first")
		return
	}
	user := c.user
	c.user = ""
	sess, err := c.srv.Backend.Login(user, pass)
	if err != nil {
		c.bad++
		c.srv.logf("POP3 login for %s refused: %v", user, err)
		c.replyErr(err)
		return
	}
	c.user, c.sess, c.state = user, sess, stateTransaction
	c.msgs = sess.Messages()
	c.deleted = make([]bool, len(c.msgs))
	n, size := c.live()
	c.srv.logf("%s logged in over POP3: %d messages (%d octets)", user, n, size)
	c.reply(fmt.Sprintf("+OK %s's maildrop has %d messages (%d octets)", user, n, size))
}

// quitCmd ends the session; in TRANSACTION it enters UPDATE and removes
// the messages marked with DELE.
func (c *conn) quitCmd() {
	c.quit = true
	if c.state != stateTransaction {
		c.reply("+OK " + c.domain() + " POP3 server signing off")
		return
	}
	c.state = stateUpdate
	var dels []int
	for i, d := range c.deleted {
		if d {
			dels = append(dels, i+1)
		}
	}
	err := c.sess.Commit(dels)
	// Unlock before replying, so a client that reconnects the moment it
	// reads our +OK finds the maildrop free.
	c.sess.Close()
	c.sess = nil
	if err != nil {
		c.reply("-ERR [SYS/TEMP] some deleted messages not removed")
		return
	}
	left := len(c.msgs) - len(dels)
	c.srv.logf("%s quit over POP3: %d deleted, %d left on server", c.user, len(dels), left)
	c.reply(fmt.Sprintf("+OK %s POP3 server signing off (%d messages left)", c.domain(), left))
}

func (c *conn) listCmd(args []string, uidl bool) {
	line := func(m MsgInfo) string {
		if uidl {
			return fmt.Sprintf("%d %s", m.Num, m.UID)
		}
		return fmt.Sprintf("%d %d", m.Num, m.Size)
	}
	if len(args) > 0 {
		if m, ok := c.msgArg(args, 1); ok {
			c.reply("+OK " + line(m))
		}
		return
	}
	n, size := c.live()
	if uidl {
		c.w.WriteString("+OK unique-id listing follows\r\n")
	} else {
		fmt.Fprintf(c.w, "+OK %d messages (%d octets)\r\n", n, size)
	}
	for i, m := range c.msgs {
		if !c.deleted[i] {
			c.w.WriteString(line(m) + "\r\n")
		}
	}
	c.reply(".")
}

// retr sends a message, or with bodyLines >= 0 its header and that many
// body lines (TOP).
func (c *conn) retr(m MsgInfo, bodyLines int) {
	data, err := c.sess.Retr(m.Num)
	if err != nil {
		c.replyErr(err)
		return
	}
	if bodyLines < 0 {
		fmt.Fprintf(c.w, "+OK %d octets\r\n", m.Size)
	} else {
		c.w.WriteString("+OK top of message follows\r\n")
	}
	writeDotStuffed(c.w, data, bodyLines)
}

// msgArg parses the message-number argument at want args and returns
// the message if it exists and is not marked deleted.
func (c *conn) msgArg(args []string, want int) (MsgInfo, bool) {
	if len(args) != want {
		c.fail("message number required")
		return MsgInfo{}, false
	}
	a := args[0]
	if !isDigits(a) || len(a) > 9 {
		c.fail("invalid message number")
		return MsgInfo{}, false
	}
	n, _ := strconv.Atoi(a)
	if n < 1 || n > len(c.msgs) {
		c.fail("no such message")
		return MsgInfo{}, false
	}
	if c.deleted[n-1] {
		c.fail(fmt.Sprintf("message %d already deleted", n))
		return MsgInfo{}, false
	}
	return c.msgs[n-1], true
}

// live counts the messages not marked deleted, and their octets.
func (c *conn) live() (n, size int) {
	for i, m := range c.msgs {
		if !c.deleted[i] {
			n++
			size += m.Size
		}
	}
	return n, size
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// oneLine keeps backend text from breaking the reply framing.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}

package imap

import (
	"bytes"
	"net"
	"regexp"
	"sync/atomic"

	"mailsim/servers/env"
)

// noIdleListener wraps each accepted conn so that the capability lists
// imapserver writes never name IDLE: it lists IDLE after login whatever
// Options.Caps says, and IDLE cannot push updates here (package doc).
type noIdleListener struct {
	net.Listener
	env   env.Env // converts the library's wall-clock deadlines, if set
	conns *connSet
}

func (l noIdleListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if l.env != nil {
		c = env.WallClockConn(l.env, c, libTimeouts...)
	}
	nc := &noIdleConn{Conn: c, set: l.conns}
	l.conns.add(nc)
	return nc, nil
}

// noIdleConn is one accepted connection; it knows whether imapserver
// waits in Read for a command, so Stop can say BYE without cutting a
// response in two.
type noIdleConn struct {
	net.Conn
	set     *connSet
	reading atomic.Bool
}

func (c *noIdleConn) Read(p []byte) (int, error) {
	c.reading.Store(true)
	defer c.reading.Store(false)
	return c.Conn.Read(p)
}

// Close forgets the connection before closing it.
func (c *noIdleConn) Close() error {
	c.set.remove(c)
	return c.Conn.Close()
}

// reCapLine matches a write that starts with a capability list: the
// untagged CAPABILITY response or a status response carrying one.
// imapserver flushes each response by itself, so such a line always
// starts a write.
var reCapLine = regexp.MustCompile(`^(\* |\S+ OK \[|\* OK \[)CAPABILITY [^\r\n]*`)

func (c *noIdleConn) Write(b []byte) (int, error) {
	loc := reCapLine.FindIndex(b)
	if loc == nil {
		return c.Conn.Write(b)
	}
	line := bytes.Replace(b[:loc[1]], []byte(" IDLE"), nil, 1)
	out := append(line, b[loc[1]:]...)
	if _, err := c.Conn.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

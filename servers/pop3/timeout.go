package pop3

import (
	"net"
	"time"
)

// DefaultIdleTimeout is the server's autologout timer. RFC 1939 section 3
// asks for at least 10 minutes of inactivity before a server may close the
// connection; Dovecot uses exactly 10 (CLIENT_IDLE_TIMEOUT_MSECS).
const DefaultIdleTimeout = 10 * time.Minute

// DefaultClientTimeout is how long the client waits for the server to make
// progress: 5 minutes, like go-smtp's CommandTimeout and fetchmail's
// default "timeout" (300 s).
const DefaultClientTimeout = 5 * time.Minute

// idleConn moves a conn's read or write deadline forward before every Read
// and Write, so a deadline fires only after timeout without any progress
// in that direction. A slow link downloading a big message is fine; a peer
// that goes quiet, or stops reading, is not. deadline is env.Env.Deadline,
// so the timeout is virtual time in the simulator and real time on real
// sockets.
type idleConn struct {
	net.Conn
	timeout  time.Duration
	deadline func(time.Duration) time.Time
}

func (c *idleConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(c.deadline(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *idleConn) Write(p []byte) (int, error) {
	if err := c.Conn.SetWriteDeadline(c.deadline(c.timeout)); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// withIdle wraps nc in an idleConn, or returns it as is when there is no
// clock to take deadlines from or no timeout.
func withIdle(nc net.Conn, timeout time.Duration, deadline func(time.Duration) time.Time) net.Conn {
	if deadline == nil || timeout <= 0 {
		return nc
	}
	return &idleConn{Conn: nc, timeout: timeout, deadline: deadline}
}

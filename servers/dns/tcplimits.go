package dns

import (
	"net"
	"time"
)

// TCPLimits bound DNS over TCP: RFC 7766 §6.2.3 lets a server close idle
// connections (BIND's tcp-idle-timeout is 30 s) and cap how many it
// keeps (BIND's tcp-clients, 150).
type TCPLimits struct {
	// Idle closes a connection with no query for this long; 0: never.
	Idle time.Duration
	// Deadline turns a timeout into a deadline (env.Env.Deadline: virtual
	// time in the simulation); nil turns Idle off.
	Deadline func(time.Duration) time.Time
	// MaxConns is the most connections open at once; one more is closed
	// at once. 0: no limit.
	MaxConns int
}

// DefaultTCPLimits are BIND's defaults.
func DefaultTCPLimits(deadline func(time.Duration) time.Time) TCPLimits {
	return TCPLimits{Idle: 30 * time.Second, Deadline: deadline, MaxConns: 150}
}

// idleDNSConn sets the read deadline before each read of a query.
type idleDNSConn struct {
	net.Conn
	lim TCPLimits
}

func (c *idleDNSConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(c.lim.Deadline(c.lim.Idle)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (lim TCPLimits) wrap(c net.Conn) net.Conn {
	if lim.Idle <= 0 || lim.Deadline == nil {
		return c
	}
	return &idleDNSConn{Conn: c, lim: lim}
}

package env

import (
	"errors"
	"net"
	"time"
)

// WallClockConn wraps c for a library that sets its deadlines from the
// wall clock as time.Now().Add(d), with d one of timeouts: go-smtp's
// client, miekg/dns's Client. Each deadline passes through
// e.WallDeadline on its way to c, so in the simulation it means d of
// virtual time from now, whatever the scenario's epoch. If c is a
// net.PacketConn, so is the result (miekg/dns tells UDP from TCP that way).
func WallClockConn(e Env, c net.Conn, timeouts ...time.Duration) net.Conn {
	w := wallConn{Conn: c, e: e, timeouts: timeouts}
	if pc, ok := c.(net.PacketConn); ok {
		return &wallPacketConn{wallConn: w, pc: pc}
	}
	return &w
}

type wallConn struct {
	net.Conn
	e        Env
	timeouts []time.Duration
}

func (c *wallConn) SetDeadline(t time.Time) error {
	return c.Conn.SetDeadline(c.e.WallDeadline(t, c.timeouts...))
}

func (c *wallConn) SetReadDeadline(t time.Time) error {
	return c.Conn.SetReadDeadline(c.e.WallDeadline(t, c.timeouts...))
}

func (c *wallConn) SetWriteDeadline(t time.Time) error {
	return c.Conn.SetWriteDeadline(c.e.WallDeadline(t, c.timeouts...))
}

// wallPacketConn is a wallConn over a conn that is also a PacketConn.
type wallPacketConn struct {
	wallConn
	pc net.PacketConn
}

var _ net.PacketConn = (*wallPacketConn)(nil)

func (c *wallPacketConn) ReadFrom(p []byte) (int, net.Addr, error) { return c.pc.ReadFrom(p) }
func (c *wallPacketConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	return c.pc.WriteTo(p, addr)
}

// IsTimeout reports whether err is, or wraps, a net.Error that timed out:
// a deadline set from a server or client timeout ran out.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

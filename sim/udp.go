package sim

import (
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"
)

type datagram struct {
	from    netip.AddrPort
	payload []byte
}

// udpConn is a UDP socket. Dialed ones are connected, like *net.UDPConn:
// they implement both net.Conn and net.PacketConn.
type udpConn struct {
	w      *World
	h      *Host
	local  netip.AddrPort
	remote netip.AddrPort // valid when connected
	queue  []datagram
	reader *waiter
	timeouts
	closed bool
	flow   uint64
	// refused is set by an ICMP port unreachable for a connected
	// socket; the next read fails with ECONNREFUSED (icmp.go).
	refused bool
}

// label names the socket in stall reports: "host udp 1.2.3.4:53".
func (c *udpConn) label(verb string) string { return verb + c.h.name + " udp " + c.local.String() }

var (
	_ net.Conn       = (*udpConn)(nil)
	_ net.PacketConn = (*udpConn)(nil)
)

func (h *Host) listenUDP(port uint16, remote netip.AddrPort) (*udpConn, error) {
	w := h.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if port == 0 {
		port = h.ephemeralPort()
	}
	local := netip.AddrPortFrom(h.addr, port)
	if w.closing {
		return nil, &net.OpError{Op: "listen", Net: "udp", Addr: udpAddr(local), Err: net.ErrClosed}
	}
	if h.udp[port] != nil {
		return nil, &net.OpError{Op: "listen", Net: "udp", Addr: udpAddr(local), Err: &os.SyscallError{Syscall: "bind", Err: syscall.EADDRINUSE}}
	}
	w.connSeq++
	c := &udpConn{w: w, h: h, local: local, remote: remote, flow: w.connSeq}
	h.udp[port] = c
	return c, nil
}

func (h *Host) dialUDP(raddr netip.AddrPort) (net.Conn, error) {
	w := h.w
	w.mu.Lock()
	dst := w.byAddr[raddr.Addr()]
	ok := dst != nil && w.route(h.node, dst.node) != nil
	w.mu.Unlock()
	if !ok {
		return nil, &net.OpError{Op: "dial", Net: "udp", Addr: udpAddr(raddr), Err: &os.SyscallError{Syscall: "connect", Err: syscall.EHOSTUNREACH}}
	}
	return h.listenUDP(0, raddr)
}

func (c *udpConn) opErr(op string, err error) error {
	e := &net.OpError{Op: op, Net: "udp", Source: udpAddr(c.local), Err: err}
	if c.remote.IsValid() {
		e.Addr = udpAddr(c.remote)
	}
	return e
}

func (c *udpConn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, from, err := c.read(b)
	if err != nil {
		return n, nil, err
	}
	return n, udpAddr(from), nil
}

func (c *udpConn) Read(b []byte) (int, error) {
	n, _, err := c.read(b)
	return n, err
}

func (c *udpConn) read(b []byte) (int, netip.AddrPort, error) {
	w := c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if !c.closed {
		defer w.hold("", c)()
	}
	for {
		switch {
		case c.closed:
			return 0, netip.AddrPort{}, c.opErr("read", net.ErrClosed)
		case c.refused:
			c.refused = false
			return 0, netip.AddrPort{}, c.opErr("read", errRefused)
		case len(c.queue) > 0:
			d := c.queue[0]
			c.queue = c.queue[1:]
			return copy(b, d.payload), d.from, nil // the rest is lost, as with a real socket
		case c.rdl.set && c.rdl.at <= w.now:
			return 0, netip.AddrPort{}, c.opErr("read", os.ErrDeadlineExceeded)
		}
		wt := w.newWaiter("read ", c)
		c.reader = wt
		if c.rdl.set {
			c.rtimer.arm(w, c.rdl, c)
		}
		w.wait(wt)
		if c.reader == wt {
			c.reader = nil
		}
	}
}

func (c *udpConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	var to netip.AddrPort
	switch a := addr.(type) {
	case *net.UDPAddr:
		to = a.AddrPort()
	default:
		ap, err := netip.ParseAddrPort(addr.String())
		if err != nil {
			return 0, c.opErr("write", err)
		}
		to = ap
	}
	return c.write(b, netip.AddrPortFrom(to.Addr().Unmap(), to.Port()))
}

func (c *udpConn) Write(b []byte) (int, error) {
	if !c.remote.IsValid() {
		return 0, c.opErr("write", syscall.EDESTADDRREQ)
	}
	return c.write(b, c.remote)
}

func (c *udpConn) write(b []byte, to netip.AddrPort) (int, error) {
	w := c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if !c.closed {
		defer w.hold("", c)()
	}
	switch {
	case c.closed:
		return 0, c.opErr("write", net.ErrClosed)
	case c.wdl.set && c.wdl.at <= w.now:
		return 0, c.opErr("write", os.ErrDeadlineExceeded)
	}
	dst := w.byAddr[to.Addr()]
	if dst == nil {
		return 0, c.opErr("write", syscall.EHOSTUNREACH)
	}
	w.transmit(&packet{proto: "udp", src: c.local, dst: to, srcHost: c.h, dstHost: dst,
		payload: append([]byte(nil), b...), conn: c.flow})
	return len(b), nil
}

// deliverUDP hands a datagram to the socket bound to its port, if any.
func (h *Host) deliverUDP(p *packet) {
	c := h.udp[p.dst.Port()]
	if c == nil || c.closed {
		h.portUnreachable(p)
		return
	}
	if c.remote.IsValid() && c.remote != p.src {
		return // a connected socket ignores other senders
	}
	c.queue = append(c.queue, datagram{from: p.src, payload: p.payload})
	if c.reader != nil {
		h.w.wake(c.reader)
	}
}

func (c *udpConn) Close() error {
	w := c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if c.closed {
		return c.opErr("close", net.ErrClosed)
	}
	defer w.hold("", c)()
	c.closed = true
	if c.h.udp[c.local.Port()] == c {
		delete(c.h.udp, c.local.Port())
	}
	if c.reader != nil {
		w.wake(c.reader)
	}
	c.rtimer.stop(w) // nobody reads a closed conn
	return nil
}

func (c *udpConn) LocalAddr() net.Addr { return udpAddr(c.local) }
func (c *udpConn) RemoteAddr() net.Addr {
	if !c.remote.IsValid() {
		return nil
	}
	return udpAddr(c.remote)
}

func (c *udpConn) SetDeadline(t time.Time) error { c.setDeadline(t, true, true); return nil }
func (c *udpConn) SetReadDeadline(t time.Time) error {
	c.setDeadline(t, true, false)
	return nil
}
func (c *udpConn) SetWriteDeadline(t time.Time) error {
	c.setDeadline(t, false, true)
	return nil
}

func (c *udpConn) setDeadline(t time.Time, r, wr bool) {
	w := c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if !c.closed {
		defer w.hold("", c)()
	}
	c.timeouts.set(w, c, t, r, wr, c.reader)
}

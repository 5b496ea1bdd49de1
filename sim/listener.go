package sim

import (
	"net"
	"net/netip"
	"os"
	"syscall"
)

type listener struct {
	h        *Host
	addr     netip.AddrPort
	backlog  []*tcpConn
	acceptor *waiter
	closed   bool
}

var _ net.Listener = (*listener)(nil)

func (h *Host) listenTCP(port uint16) (net.Listener, error) {
	w := h.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if port == 0 {
		port = h.ephemeralPort()
	}
	addr := netip.AddrPortFrom(h.addr, port)
	if w.closing {
		return nil, &net.OpError{Op: "listen", Net: "tcp", Addr: tcpAddr(addr), Err: net.ErrClosed}
	}
	if h.listeners[port] != nil {
		return nil, &net.OpError{Op: "listen", Net: "tcp", Addr: tcpAddr(addr), Err: &os.SyscallError{Syscall: "bind", Err: syscall.EADDRINUSE}}
	}
	l := &listener{h: h, addr: addr}
	h.listeners[port] = l
	return l, nil
}

func (l *listener) label(verb string) string { return l.h.name + ": " + verb + l.addr.String() }

func (l *listener) Accept() (net.Conn, error) {
	w := l.h.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if !l.closed {
		defer w.hold("accept ", l)()
	}
	for {
		if l.closed {
			return nil, &net.OpError{Op: "accept", Net: "tcp", Addr: tcpAddr(l.addr), Err: net.ErrClosed}
		}
		if len(l.backlog) > 0 {
			c := l.backlog[0]
			l.backlog = l.backlog[1:]
			// Whoever touches the conn first (often a goroutine the
			// caller is about to start) must do so before the kernel
			// moves on.
			c.token = true
			w.tokens++
			w.untouched++
			return c, nil
		}
		wt := w.newWaiter("accept ", l)
		l.acceptor = wt
		w.wait(wt)
		if l.acceptor == wt {
			l.acceptor = nil
		}
	}
}

// Close stops listening. Connections not yet accepted are reset.
func (l *listener) Close() error {
	w := l.h.w
	w.mu.Lock()
	defer w.mu.Unlock()
	if l.closed {
		return &net.OpError{Op: "close", Net: "tcp", Addr: tcpAddr(l.addr), Err: net.ErrClosed}
	}
	defer w.hold("close listener ", l)()
	l.closed = true
	if l.h.listeners[l.addr.Port()] == l {
		delete(l.h.listeners, l.addr.Port())
	}
	for _, c := range l.backlog {
		c.h.reply(&packet{proto: "tcp", src: c.remote, dst: c.local, srcHost: c.peer, conn: c.id}, RST|ACK, c.sndNxt, c.rcvNxt)
		c.fail(syscall.ECONNRESET)
	}
	l.backlog = nil
	if l.acceptor != nil {
		w.wake(l.acceptor)
	}
	return nil
}

func (l *listener) Addr() net.Addr { return tcpAddr(l.addr) }

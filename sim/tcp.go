package sim

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"syscall"
	"time"
)

type tcpState int

const (
	synSent tcpState = iota
	synRcvd
	established
)

const (
	connectTimeout = 75 * time.Second // as Linux's SYN retries roughly give
	maxRetransmits = 6
	initialRTO     = time.Second
)

// tcpConn is one end of a simulated TCP connection.
type tcpConn struct {
	w      *World
	h      *Host
	peer   *Host
	id     uint64
	local  netip.AddrPort
	remote netip.AddrPort
	state  tcpState
	gone   bool // out of h.tcp (Host.unregister)

	sndNxt, rcvNxt uint32
	rbuf           []byte
	ooo            map[uint32]*packet
	unsent         []byte // written this turn, sent when the writer blocks
	rfin           bool   // peer's FIN received
	rerr           error  // reset or timed out
	closed         bool   // Close called here
	finSent        bool

	// Flow control: out counts bytes sent and not yet read by the peer
	// (in flight or in its rbuf). A Write that would take it past the
	// window blocks, as writer, until the peer reads.
	other  *tcpConn // the peer's end, once both exist
	out    int
	writer *waiter

	reader *waiter
	dialer *waiter
	timeouts
	wtimer readTimer

	token    bool  // accepted, not yet touched: the kernel waits for its first use
	owner    int64 // goroutine that adopted the conn at its first use, if fresh
	path     []hop // route to the peer (route), as of routeGen
	routeGen uint64
}

// label names the conn in stall reports: "host 1.2.3.4:49152 ⇄ peer …".
func (c *tcpConn) label(verb string) string {
	return fmt.Sprintf("%s%s %s ⇄ %s %s", verb, c.h.name, c.local, c.peer.name, c.remote)
}

// dialing names a dial in stall reports.
type dialing struct {
	h  *Host
	to netip.AddrPort
}

func (d dialing) label(verb string) string { return d.h.name + ": " + verb + d.to.String() }

type deadline struct {
	set bool
	at  time.Duration
}

var _ net.Conn = (*tcpConn)(nil)

func (w *World) newTCPConn(h, peer *Host, local, remote netip.AddrPort) *tcpConn {
	w.connSeq++
	c := &tcpConn{w: w, h: h, peer: peer, id: w.connSeq, local: local, remote: remote}
	key := connKey{local, remote}
	if old := h.tcp[key]; old != nil {
		old.gone = true
	}
	h.tcp[key] = c
	return c
}

// unregister takes the conn of key out of h's table. A conn is gone
// exactly when it is no longer there: deliverTCP trusts that.
func (h *Host) unregister(key connKey) {
	if c := h.tcp[key]; c != nil {
		c.gone = true
		delete(h.tcp, key)
	}
}

// otherEnd is the conn at the other end of c while it is registered,
// else nil; c may be nil.
func (c *tcpConn) otherEnd() *tcpConn {
	if c == nil || c.other == nil || c.other.gone {
		return nil
	}
	return c.other
}

func (c *tcpConn) opErr(op string, err error) error {
	return &net.OpError{Op: op, Net: "tcp", Source: tcpAddr(c.local), Addr: tcpAddr(c.remote), Err: err}
}

// enter gives the calling goroutine its turn before it touches the conn.
// Call the returned func when the operation ends. w.mu must be held.
func (c *tcpConn) enter() (done func()) {
	w := c.w
	if c.token {
		c.token = false
		w.tokens--
		w.untouched--
		gid := goid()
		if _, ok := w.running[gid]; !ok && !w.closed {
			// A fresh goroutine (go-smtp's per-connection one) adopts the
			// conn. It waits for its turn, so it never runs alongside the
			// goroutine that accepted the conn.
			c.owner = gid
			wt := &waiter{gid: gid, verb: "handler of ", of: c, ch: w.signal()}
			w.wake(wt)
			w.signalIfQuiet()
			w.wait(wt)
		}
		return noop
	}
	if c.closed {
		return noop // nothing on a closed conn has effects; no turn needed
	}
	return w.hold("", c)
}

func (c *tcpConn) Read(b []byte) (int, error) {
	w := c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	defer c.enter()()
	for {
		switch {
		case c.closed:
			return 0, c.opErr("read", net.ErrClosed)
		case len(c.rbuf) > 0:
			n := copy(b, c.rbuf)
			c.rbuf = c.rbuf[n:]
			c.credit(n)
			return n, nil
		case c.rerr != nil:
			return 0, c.opErr("read", c.rerr)
		case c.rfin:
			return 0, io.EOF
		case len(b) == 0:
			return 0, nil
		case c.rdl.set && c.rdl.at <= w.now:
			return 0, c.opErr("read", os.ErrDeadlineExceeded)
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

func (c *tcpConn) Write(b []byte) (int, error) {
	w := c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	defer c.enter()()
	total := len(b)
	for {
		switch {
		case c.closed:
			return total - len(b), c.opErr("write", net.ErrClosed)
		case c.rerr != nil:
			return total - len(b), c.opErr("write", c.rerr)
		case c.wdl.set && c.wdl.at <= w.now:
			return total - len(b), c.opErr("write", os.ErrDeadlineExceeded)
		}
		// Like Nagle's algorithm, small writes made in one turn travel
		// together: they are sent when the writer next blocks.
		if n := min(len(b), w.cfg.Window-c.out-len(c.unsent)); n > 0 {
			if len(c.unsent) == 0 {
				w.dirty = append(w.dirty, c)
			}
			c.unsent = append(c.unsent, b[:n]...)
			b = b[n:]
		}
		if len(b) == 0 {
			return total, nil
		}
		// The window is full: what is unsent goes out (newWaiter flushes
		// it), and the writer waits for the peer to read. This is what
		// slows a real client bridged in by serve to the simulated link.
		wt := w.newWaiter("write ", c)
		c.writer = wt
		if c.wdl.set {
			c.wtimer.arm(w, c.wdl, writeSide{c})
		}
		w.wait(wt)
		if c.writer == wt {
			c.writer = nil
		}
	}
}

// credit tells the sender that n bytes it sent were read here (or thrown
// away), waking it once half the window is free again, so it sends in
// large batches rather than a segment per read. w.mu held.
func (c *tcpConn) credit(n int) {
	s := c.other
	if s == nil {
		return
	}
	s.out = max(s.out-n, 0)
	if s.writer != nil && s.out <= c.w.cfg.Window/2 {
		c.w.wake(s.writer)
		s.writer = nil // woken once
	}
}

// writeSide lets a write deadline use the read-deadline timer.
type writeSide struct{ c *tcpConn }

func (s writeSide) blockedReader() *waiter { return s.c.writer }

// push sends what was written this turn, in MSS-sized segments.
func (c *tcpConn) push() {
	b := c.unsent
	c.unsent = nil
	for len(b) > 0 && c.rerr == nil {
		n := min(len(b), c.w.cfg.MSS)
		flags := ACK
		if n == len(b) {
			flags |= PSH
		}
		c.sendSeg(flags, b[:n:n])
		b = b[n:]
	}
}

// sendSeg sends one segment and advances the send sequence. w.mu held.
func (c *tcpConn) sendSeg(flags TCPFlags, payload []byte) {
	p := c.w.newPacket()
	*p = packet{
		proto: "tcp", src: c.local, dst: c.remote, srcHost: c.h, dstHost: c.peer,
		flags: flags, seq: c.sndNxt, payload: payload, conn: c.id, from: c,
	}
	if flags&ACK != 0 {
		p.ack = c.rcvNxt
	}
	c.sndNxt += uint32(len(payload))
	c.out += len(payload)
	if flags&(SYN|FIN) != 0 {
		c.sndNxt++
	}
	if len(payload) > 0 || flags&(SYN|FIN) != 0 {
		p.resend = true
	}
	c.w.transmit(p)
}

// retransmit sends a lost segment p again after 1s, 2s, 4s… and fails
// the conn after maxRetransmits tries. w.mu held.
func (c *tcpConn) retransmit(p *packet) {
	p.tries++
	if p.tries > maxRetransmits {
		c.fail(syscall.ETIMEDOUT)
		return
	}
	c.w.schedule(c.w.now+initialRTO<<(p.tries-1), func() {
		if c.rerr == nil {
			c.w.transmit(p)
		}
	})
}

// transmit routes p from its source host and sends it. w.mu held.
func (w *World) transmit(p *packet) {
	if w.closing {
		return // the network is gone
	}
	if p.summary == "" && w.heard() { // once per segment, not per hop or retransmission
		p.summary = w.summarize(p)
	}
	w.tag(p)
	var r []hop
	if c := p.from; c != nil {
		r = c.route()
	} else {
		r = w.route(p.srcHost.node, p.dstHost.node)
	}
	if r == nil {
		w.lost(p, "", fmt.Sprintf("no route from %s to %s (a link is down)", p.srcHost.name, p.dstHost.name))
		return
	}
	p.route, p.idx = r, 0
	if len(r) == 0 { // to itself
		w.schedule(w.now, func() { w.deliverPacket(p) })
		return
	}
	w.forward(p)
}

func (w *World) deliverPacket(p *packet) {
	if p.proto == "icmp" {
		p.dstHost.deliverICMP(p)
		return
	}
	if p.proto == "udp" {
		p.dstHost.deliverUDP(p)
		return
	}
	p.dstHost.deliverTCP(p)
	if !p.kept {
		w.packets.keep(p)
	}
}

// route is the conn's route to its peer, kept until the topology
// changes: every segment of the conn takes the same one, and World.route
// walks the tree anew on each call.
func (c *tcpConn) route() []hop {
	if c.routeGen != c.w.routeGen {
		c.path, c.routeGen = c.w.route(c.h.node, c.peer.node), c.w.routeGen
	}
	return c.path
}

// newPacket returns a packet to fill in: a TCP segment is done with once
// delivered (its payload is copied), so its packet is used again. Every
// segment of a run allocating one was a tenth of all it allocated.
func (w *World) newPacket() *packet { return w.packets.take() }

// fail ends the connection with err, waking anyone blocked on it.
func (c *tcpConn) fail(err error) {
	if c.rerr == nil {
		c.rerr = err
	}
	c.h.unregister(connKey{c.local, c.remote})
	c.wakeAll()
}

func (c *tcpConn) wakeAll() {
	if c.reader != nil {
		c.w.wake(c.reader)
	}
	if c.dialer != nil {
		c.w.wake(c.dialer)
	}
	if c.writer != nil {
		c.w.wake(c.writer)
	}
}

// reply sends a bare segment (RST or ACK) in answer to p. w.mu held.
func (h *Host) reply(p *packet, flags TCPFlags, seq, ack uint32) {
	r := h.w.newPacket()
	*r = packet{proto: "tcp", src: p.dst, dst: p.src, srcHost: h, dstHost: p.srcHost, flags: flags, seq: seq, ack: ack, conn: p.conn}
	h.w.transmit(r)
}

// deliverTCP handles a segment arriving at h. w.mu held (kernel).
func (h *Host) deliverTCP(p *packet) {
	w := h.w
	if p.flags&SYN != 0 && p.flags&ACK == 0 {
		h.acceptSYN(p)
		return
	}
	// The sender's other end, when it is still h's conn for the segment,
	// spares the table a lookup (a cache miss in a large world).
	c := p.from.otherEnd()
	if c == nil || c.h != h || c.local != p.dst || c.remote != p.src {
		c = h.tcp[connKey{p.dst, p.src}]
	}
	if c == nil {
		if p.flags&RST == 0 && (len(p.payload) > 0 || p.flags&(FIN|SYN) != 0) {
			h.reply(p, RST, p.ack, 0)
		}
		return
	}
	if p.flags&RST != 0 {
		if c.state == synSent {
			c.fail(syscall.ECONNREFUSED)
		} else {
			c.fail(syscall.ECONNRESET)
		}
		return
	}
	if c.state == synSent {
		if p.flags&(SYN|ACK) == SYN|ACK {
			c.rcvNxt = p.seq + 1
			c.state = established
			c.sendSeg(ACK, nil)
			if c.dialer != nil {
				w.wake(c.dialer)
			}
		}
		return
	}
	if c.state == synRcvd && p.flags&ACK != 0 {
		c.state = established
		if ln := h.listeners[c.local.Port()]; ln != nil && !ln.closed {
			ln.backlog = append(ln.backlog, c)
			if ln.acceptor != nil {
				w.wake(ln.acceptor)
			}
		} else {
			h.reply(p, RST, p.ack, 0)
			c.fail(syscall.ECONNRESET)
			return
		}
	}
	if len(p.payload) == 0 && p.flags&FIN == 0 {
		return
	}
	if p.seq != c.rcvNxt {
		if int32(p.seq-c.rcvNxt) > 0 {
			if c.ooo == nil {
				c.ooo = map[uint32]*packet{} // rare: only after a loss
			}
			c.ooo[p.seq] = p // early: keep until the gap fills
			p.kept = true
		}
		return
	}
	for {
		c.accept(p)
		next, ok := c.ooo[c.rcvNxt]
		if !ok || c.rerr != nil {
			break
		}
		delete(c.ooo, c.rcvNxt)
		p = next
	}
	if c.reader != nil {
		w.wake(c.reader)
	}
}

// accept takes in-order data and FIN from p.
func (c *tcpConn) accept(p *packet) {
	if len(p.payload) > 0 {
		if c.closed {
			// Data for a socket nobody will read: Linux answers RST.
			c.h.reply(p, RST|ACK, c.sndNxt, p.seq+uint32(len(p.payload)))
			c.fail(syscall.ECONNRESET)
			return
		}
		c.rbuf = append(c.rbuf, p.payload...)
		c.rcvNxt += uint32(len(p.payload))
	}
	if p.flags&FIN != 0 && !c.rfin {
		c.rfin = true
		c.rcvNxt++
		c.sendSeg(ACK, nil)
		if c.closed {
			c.h.unregister(connKey{c.local, c.remote})
		}
	}
}

func (h *Host) acceptSYN(p *packet) {
	w := h.w
	ln := h.listeners[p.dst.Port()]
	if ln == nil || ln.closed {
		h.reply(p, RST|ACK, 0, p.seq+1)
		return
	}
	if h.tcp[connKey{p.dst, p.src}] != nil {
		return // duplicate SYN
	}
	c := w.newTCPConn(h, p.srcHost, p.dst, p.src)
	c.id = p.conn // both ends of a connection share its id
	if d := p.srcHost.tcp[connKey{p.src, p.dst}]; d != nil {
		c.other, d.other = d, c
	}
	c.state = synRcvd
	c.sndNxt = h.Rand().Uint32()
	c.rcvNxt = p.seq + 1
	c.sendSeg(SYN|ACK, nil)
}

func (h *Host) dialTCP(raddr netip.AddrPort) (net.Conn, error) {
	w := h.w
	w.mu.Lock()
	defer w.mu.Unlock()
	defer w.hold("dial ", dialing{h, raddr})()
	opErr := func(local netip.AddrPort, err error) error {
		e := &net.OpError{Op: "dial", Net: "tcp", Addr: tcpAddr(raddr), Err: &os.SyscallError{Syscall: "connect", Err: err}}
		if local.IsValid() {
			e.Source = tcpAddr(local)
		}
		return e
	}
	if w.closing {
		return nil, opErr(netip.AddrPort{}, net.ErrClosed)
	}
	dst := w.byAddr[raddr.Addr()]
	if dst == nil || w.route(h.node, dst.node) == nil {
		return nil, opErr(netip.AddrPort{}, syscall.EHOSTUNREACH)
	}
	port := h.ephemeralPort()
	local := netip.AddrPortFrom(h.addr, port)
	c := w.newTCPConn(h, dst, local, raddr)
	c.state = synSent
	c.sndNxt = h.Rand().Uint32()
	c.sendSeg(SYN, nil)
	give := w.now + connectTimeout
	for {
		switch {
		case c.state == established:
			c.dialer = nil
			return c, nil
		case c.rerr != nil:
			c.dialer = nil
			h.unregister(connKey{local, raddr})
			return nil, opErr(local, c.rerr)
		case w.now >= give:
			c.dialer = nil
			c.fail(syscall.ETIMEDOUT)
			return nil, opErr(local, syscall.ETIMEDOUT)
		}
		wt := w.newWaiter("dial ", dialing{h, raddr})
		c.dialer = wt
		w.wakeLater(wt, give)
		w.wait(wt)
	}
}

func (c *tcpConn) Close() error {
	w := c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	defer c.enter()()
	defer func() {
		// The goroutine that adopted this conn is done with it: go-smtp's
		// per-connection goroutine exits right after closing.
		if c.owner != 0 && c.owner == goid() {
			w.release(c.owner)
			c.owner = 0
		}
	}()
	if c.closed {
		return c.opErr("close", net.ErrClosed)
	}
	c.closed = true
	c.push()
	// Unread data is thrown away: a sender blocked on it goes on, and
	// what it sends next is answered with RST (see accept).
	c.credit(len(c.rbuf))
	c.rbuf = nil
	if c.rerr == nil && !c.finSent {
		c.finSent = true
		c.sendSeg(FIN|ACK, nil)
	}
	if c.rfin || c.rerr != nil {
		c.h.unregister(connKey{c.local, c.remote})
	}
	c.wakeAll()
	c.rtimer.stop(w) // nobody reads a closed conn
	c.wtimer.stop(w)
	return nil
}

func (c *tcpConn) LocalAddr() net.Addr  { return tcpAddr(c.local) }
func (c *tcpConn) RemoteAddr() net.Addr { return tcpAddr(c.remote) }

func (c *tcpConn) SetDeadline(t time.Time) error {
	c.setDeadline(t, true, true)
	return nil
}
func (c *tcpConn) SetReadDeadline(t time.Time) error {
	c.setDeadline(t, true, false)
	return nil
}
func (c *tcpConn) SetWriteDeadline(t time.Time) error {
	c.setDeadline(t, false, true)
	return nil
}

func (c *tcpConn) setDeadline(t time.Time, r, wr bool) {
	w := c.w
	w.mu.Lock()
	defer w.mu.Unlock()
	defer c.enter()()
	c.timeouts.set(w, c, t, r, wr, c.reader)
	if wr && c.writer != nil {
		w.wake(c.writer) // to look at its new deadline
	}
}

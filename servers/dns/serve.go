package dns

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sort"
	"sync"

	mdns "github.com/miekg/dns"
)

// ednsSize is the UDP payload size we advertise, and the largest UDP
// reply we send whatever buffer a client offers: the DNS Flag Day 2020
// value, BIND's and Unbound's default, so a reply is never fragmented.
const ednsSize = 1232

// udpReadSize is the largest query ServeUDP reads; the rest of a longer
// datagram is lost, as with a real socket.
const udpReadSize = 4096

// ServeUDP answers the DNS queries arriving on pc until pc is closed, then
// returns nil. Each packet is unpacked and handed to h in this goroutine,
// so the simulator sees one blocking read at a time. Packets with a
// readable header that do not parse get FORMERR; shorter ones and stray
// responses are dropped. A handler that blocks (the resolver waiting on
// other servers) holds up the next packet, as in a single-threaded server.
func ServeUDP(pc net.PacketConn, h mdns.Handler) error {
	// 4096 octets is the largest EDNS(0) payload clients offer in
	// practice (miekg/dns's own server reads 512 by default); a 64 KB
	// buffer per DNS server was 64 MB in a world of 1,000 ISPs.
	buf := make([]byte, udpReadSize)
	for {
		n, addr, err := pc.ReadFrom(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		pkt := make([]byte, n) // the handler may keep the message
		copy(pkt, buf[:n])
		w := &responseWriter{pc: pc, remote: addr, local: pc.LocalAddr()}
		w.serve(pkt, h)
	}
}

// ServeTCP answers DNS over TCP (RFC 1035 §4.2.2, RFC 7766) on l until l
// is closed, with one goroutine per connection, then closes the
// connections still open and returns nil.
func ServeTCP(l net.Listener, h mdns.Handler) error {
	return serveTCP(l, h, nil, TCPLimits{})
}

// serveTCP is ServeTCP with lim's limits; conns, when set, counts the connection
// goroutines and refuses new ones once closed.
func serveTCP(l net.Listener, h mdns.Handler, conns *connCount, lim TCPLimits) error {
	var mu sync.Mutex
	open := map[net.Conn]uint64{} // by accept order, so shutdown closes them in order
	var seq uint64
	for {
		c, err := l.Accept()
		if err != nil {
			mu.Lock()
			conns := make([]net.Conn, 0, len(open))
			for c := range open {
				conns = append(conns, c)
			}
			sort.Slice(conns, func(i, j int) bool { return open[conns[i]] < open[conns[j]] })
			mu.Unlock()
			for _, c := range conns {
				c.Close()
			}
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		if !conns.add() {
			c.Close() // closing: the listener's error comes next
			continue
		}
		mu.Lock()
		full := lim.MaxConns > 0 && len(open) >= lim.MaxConns
		if !full {
			seq++
			open[c] = seq
		}
		mu.Unlock()
		if full {
			c.Close()
			conns.done() // counted by add: Close waits for none
			continue
		}
		wc := lim.wrap(c)
		go func() {
			defer conns.done()
			defer func() {
				mu.Lock()
				delete(open, c)
				mu.Unlock()
			}()
			serveTCPConn(wc, h)
		}()
	}
}

// serveTCPConn answers length-prefixed queries on c until the peer closes
// it, framing breaks, or a query does not parse.
func serveTCPConn(c net.Conn, h mdns.Handler) {
	defer c.Close()
	for {
		var n uint16
		if err := binary.Read(c, binary.BigEndian, &n); err != nil {
			return
		}
		pkt := make([]byte, n)
		if _, err := io.ReadFull(c, pkt); err != nil {
			return
		}
		w := &responseWriter{conn: c, remote: c.RemoteAddr(), local: c.LocalAddr()}
		if !w.serve(pkt, h) || w.closed || w.hijacked {
			return
		}
	}
}

// responseWriter is the mdns.ResponseWriter for one query, over UDP (pc)
// or TCP (conn).
type responseWriter struct {
	pc            net.PacketConn
	conn          net.Conn
	remote, local net.Addr
	edns          bool // the query carried an OPT record
	size          int  // UDP reply limit
	closed        bool
	hijacked      bool
}

var _ mdns.ResponseWriter = (*responseWriter)(nil)

// serve parses pkt and runs h on it. It reports false when pkt was not a
// well-formed query, after answering FORMERR where the header allows.
func (w *responseWriter) serve(pkt []byte, h mdns.Handler) bool {
	req := new(mdns.Msg)
	if err := req.Unpack(pkt); err != nil {
		if reply := formErr(pkt); reply != nil {
			_, _ = w.Write(reply)
		}
		return false
	}
	if req.Response {
		return false // never answer an answer
	}
	w.size = mdns.MinMsgSize
	if opt := req.IsEdns0(); opt != nil {
		w.edns = true
		if s := int(opt.UDPSize()); s > w.size {
			w.size = min(s, ednsSize)
		}
	}
	defer func() {
		// A handler bug must not take the server down: answer SERVFAIL.
		if r := recover(); r != nil {
			_ = w.WriteMsg(new(mdns.Msg).SetRcode(req, mdns.RcodeServerFailure))
		}
	}()
	h.ServeDNS(w, req)
	return true
}

// formErr builds a FORMERR reply from pkt's header, or nil when there is
// no header to answer or pkt is itself a response.
func formErr(pkt []byte) []byte {
	if len(pkt) < 12 || pkt[2]&0x80 != 0 {
		return nil
	}
	out := make([]byte, 12)
	copy(out[:2], pkt[:2])                      // ID
	out[2] = 0x80 | pkt[2]&0x78 | pkt[2]&0x01   // QR, opcode, RD
	out[3] = byte(mdns.RcodeFormatError) & 0x0f // RA=0, Z=0, RCODE
	return out
}

func (w *responseWriter) LocalAddr() net.Addr  { return w.local }
func (w *responseWriter) RemoteAddr() net.Addr { return w.remote }

// WriteMsg packs m with name compression, echoing EDNS0 when the query
// used it, and truncates UDP replies that do not fit the client's buffer
// (512 octets without EDNS0, else the size it advertises, at most
// ednsSize), setting TC.
func (w *responseWriter) WriteMsg(m *mdns.Msg) error {
	if w.edns && m.IsEdns0() == nil {
		m.SetEdns0(ednsSize, false)
	}
	if w.pc != nil {
		m.Truncate(w.size) // sets TC when records had to go
	}
	// Truncate turns compression off when the reply fits without it;
	// real servers compress every reply (RFC 1035 §4.1.4).
	m.Compress = true
	b, err := m.Pack()
	if err != nil {
		return fmt.Errorf("dns: packing reply: %w", err)
	}
	_, err = w.Write(b)
	return err
}

// Write sends one raw message, adding the TCP length prefix.
func (w *responseWriter) Write(b []byte) (int, error) {
	if w.closed {
		return 0, net.ErrClosed
	}
	if w.pc != nil {
		return w.pc.WriteTo(b, w.remote)
	}
	if len(b) > mdns.MaxMsgSize {
		return 0, fmt.Errorf("dns: %d-byte message too long for TCP", len(b))
	}
	frame := make([]byte, 2+len(b))
	binary.BigEndian.PutUint16(frame, uint16(len(b)))
	copy(frame[2:], b)
	n, err := w.conn.Write(frame)
	if n >= 2 {
		n -= 2
	}
	return n, err
}

// Close ends a TCP connection after this reply; for UDP it is a no-op
// (the socket is shared by every client).
func (w *responseWriter) Close() error {
	w.closed = true
	if w.conn != nil {
		return w.conn.Close()
	}
	return nil
}

func (w *responseWriter) TsigStatus() error   { return nil }
func (w *responseWriter) TsigTimersOnly(bool) {}
func (w *responseWriter) Hijack()             { w.hijacked = true }

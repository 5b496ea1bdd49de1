package sim

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"syscall"
)

// ICMP (RFC 792), only what UDP needs: a datagram to a port nobody
// listens on is answered with "destination unreachable, port
// unreachable" (type 3, code 3), as RFC 1122 section 4.1.3.1 asks. A
// connected socket of the sender then fails its next read with
// "connection refused", as on Linux, so a client moves on at once
// instead of waiting for its timeout.

// ICMP type and code of a port unreachable message.
const (
	ICMPDestUnreachable = 3
	ICMPPortUnreachable = 3
)

// portUnreachable answers p, a datagram nobody takes, with ICMP. Its
// payload is what RFC 792 puts there: the datagram's IP header and the
// first 8 bytes of its data (the UDP header). w.mu held.
func (h *Host) portUnreachable(p *packet) {
	if p.proto != "udp" {
		return
	}
	w := h.w
	body := quoteDatagram(p)
	w.transmit(&packet{
		proto: "icmp", src: netip.AddrPortFrom(h.addr, 0), dst: netip.AddrPortFrom(p.src.Addr(), 0),
		srcHost: h, dstHost: p.srcHost, payload: body, conn: p.conn,
		summary: fmt.Sprintf("port %d unreachable (udp %s → %s)", p.dst.Port(), p.src, p.dst),
		orig:    &unreachable{src: p.src, dst: p.dst},
	})
}

// unreachable is the datagram an ICMP message reports on.
type unreachable struct{ src, dst netip.AddrPort }

// deliverICMP tells the socket that sent the reported datagram. w.mu held.
func (h *Host) deliverICMP(p *packet) {
	if p.orig == nil {
		return
	}
	c := h.udp[p.orig.src.Port()]
	if c == nil || c.closed || c.remote != p.orig.dst {
		return // only connected sockets hear of it, as on Linux
	}
	c.refused = true
	if c.reader != nil {
		h.w.wake(c.reader)
	}
}

// errRefused is the error a connected UDP socket's read returns after
// a port unreachable.
var errRefused = syscall.ECONNREFUSED

// quoteDatagram is p's IPv4 header and UDP header, as an ICMP error
// message carries them.
func quoteDatagram(p *packet) []byte {
	b := make([]byte, 28)
	b[0] = 0x45 // version 4, header 20 bytes
	binary.BigEndian.PutUint16(b[2:], uint16(p.size()))
	b[8] = 64 // TTL
	b[9] = 17 // UDP
	s, d := p.src.Addr().As4(), p.dst.Addr().As4()
	copy(b[12:], s[:])
	copy(b[16:], d[:])
	binary.BigEndian.PutUint16(b[10:], Checksum(b[:20], 0))
	binary.BigEndian.PutUint16(b[20:], p.src.Port())
	binary.BigEndian.PutUint16(b[22:], p.dst.Port())
	binary.BigEndian.PutUint16(b[24:], uint16(8+len(p.payload)))
	return b
}

// Checksum is the Internet checksum (RFC 1071) of b, its checksum field
// zero, added to sum: a pseudo-header's, for TCP and UDP, or 0. An odd
// last octet counts as if followed by a zero.
func Checksum(b []byte, sum uint32) uint16 {
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

package dns

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"mailsim/servers/env"
)

// onePacket is a net.PacketConn that delivers one packet, records the
// replies, then reports itself closed.
type onePacket struct {
	pkt     []byte
	read    bool
	written [][]byte
}

var fuzzPeer = &net.UDPAddr{IP: net.IPv4(10, 1, 0, 7), Port: 5353}

func (p *onePacket) ReadFrom(b []byte) (int, net.Addr, error) {
	if p.read {
		return 0, nil, net.ErrClosed
	}
	p.read = true
	return copy(b, p.pkt), fuzzPeer, nil
}
func (p *onePacket) WriteTo(b []byte, _ net.Addr) (int, error) {
	p.written = append(p.written, append([]byte(nil), b...))
	return len(b), nil
}
func (p *onePacket) Close() error                     { return nil }
func (p *onePacket) LocalAddr() net.Addr              { return &net.UDPAddr{IP: net.IPv4(10, 1, 0, 53), Port: 53} }
func (p *onePacket) SetDeadline(time.Time) error      { return nil }
func (p *onePacket) SetReadDeadline(time.Time) error  { return nil }
func (p *onePacket) SetWriteDeadline(time.Time) error { return nil }

// offline is an Env whose host has no network: the fuzzer must never
// send a packet anywhere (lab.comentum.com's glue points at 10.1.9.53).
type offline struct{ *env.Loopback }

func (offline) Dial(context.Context, string, string) (net.Conn, error) {
	return nil, errors.New("offline")
}

func FuzzServeUDP(f *testing.F) {
	for _, q := range []*mdns.Msg{
		query("comentum.com", mdns.TypeMX), query("big.comentum.com", mdns.TypeTXT),
		query("x.lab.comentum.com", mdns.TypeA), query("nosuch.example", mdns.TypeA),
		newQuery(9, "webmail.comentum.com.", mdns.TypeA, true),
	} {
		b, _ := q.Pack()
		f.Add(b)
	}
	f.Add([]byte{0xab, 0xcd, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x80})
	f.Add([]byte{1, 2, 3})

	zones := mustAuth(f, comentumZone(), otherZone(), RootZone("a.root-servers.net", rootIP))
	// No roots and no network: recursion beyond our zones fails at once.
	r := &Resolver{Env: offline{env.NewLoopback("ns.comentum.com", 1)}, Local: zones}
	s := &Server{Zones: zones, Resolver: r}
	f.Fuzz(func(t *testing.T, pkt []byte) {
		_ = Summarize(pkt)
		req := new(mdns.Msg)
		if req.Unpack(pkt) == nil {
			s.Answer(ctx, netip.MustParseAddr("10.1.0.7"), req) // outside serve's recover
		}
		pc := &onePacket{pkt: pkt}
		if err := ServeUDP(pc, s); err != nil {
			t.Fatalf("ServeUDP: %v", err)
		}
		if len(pc.written) > 1 {
			t.Fatalf("%d replies to one packet", len(pc.written))
		}
		for _, b := range pc.written {
			limit := mdns.MinMsgSize
			if opt := req.IsEdns0(); opt != nil && int(opt.UDPSize()) > limit {
				limit = int(opt.UDPSize())
			}
			if len(b) > limit {
				t.Fatalf("%d-byte UDP reply over the %d-byte limit", len(b), limit)
			}
			m := new(mdns.Msg)
			if err := m.Unpack(b); err != nil || !m.Response || m.Id != uint16(pkt[0])<<8|uint16(pkt[1]) {
				t.Fatalf("reply %x: %v", b, err)
			}
			_ = Summarize(b)
		}
	})
}

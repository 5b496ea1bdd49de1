package dns

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	mdns "github.com/miekg/dns"
	"go.uber.org/goleak"
)

// rawUDP sends pkt to addr and returns the reply, or nil after a short wait.
func rawUDP(t *testing.T, addr string, pkt []byte) []byte {
	t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(pkt); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		return nil
	}
	return buf[:n]
}

func TestServeUDPGarbage(t *testing.T) {
	addr := serve(t, comentumIP, mustAuth(t, comentumZone())).String()
	q, _ := query("comentum.com", mdns.TypeMX).Pack()
	resp := q[:2:2]
	resp = append(resp, q[2]|0x80)
	resp = append(resp, q[3:]...)
	tests := []struct {
		name  string
		pkt   []byte
		reply bool
		rcode int
	}{
		{"short", []byte{1, 2, 3}, false, 0},
		{"header only, claims a question", []byte{0xab, 0xcd, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0}, true, mdns.RcodeFormatError},
		{"truncated question", q[:len(q)-3], true, mdns.RcodeFormatError},
		{"a response", resp, false, 0},
		{"no question", []byte{0xab, 0xcd, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0}, true, mdns.RcodeFormatError},
		{"good query after garbage", q, true, mdns.RcodeSuccess},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := rawUDP(t, addr, tt.pkt)
			if (b != nil) != tt.reply {
				t.Fatalf("reply %x, want reply %v", b, tt.reply)
			}
			if b == nil {
				return
			}
			m := new(mdns.Msg)
			if err := m.Unpack(b); err != nil {
				t.Fatal(err)
			}
			if m.Rcode != tt.rcode || !m.Response || m.Id != binary.BigEndian.Uint16(tt.pkt) {
				t.Errorf("rcode %s response %v id %d", rcodeName(m.Rcode), m.Response, m.Id)
			}
		})
	}
}

func TestServeTCPFraming(t *testing.T) {
	addr := serve(t, comentumIP, mustAuth(t, comentumZone()))
	c, err := net.Dial("tcp", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	co := &mdns.Conn{Conn: c}
	// Several queries on one connection (RFC 7766 §6.2.1), then garbage.
	for i, name := range []string{"comentum.com", "smtp.comentum.com", "big.comentum.com"} {
		q := newQuery(uint16(100+i), name+".", mdns.TypeANY, false)
		if err := co.WriteMsg(q); err != nil {
			t.Fatal(err)
		}
		r, err := co.ReadMsg()
		if err != nil || r.Id != q.Id || len(r.Answer) == 0 || r.Truncated {
			t.Fatalf("query %d: %v %v", i, err, r)
		}
	}
	// A question whose name starts with a reserved label type (0x80).
	if _, err := c.Write([]byte{0, 14, 0xab, 0xcd, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x80, 1}); err != nil {
		t.Fatal(err)
	}
	r, err := co.ReadMsg()
	if err != nil || r.Rcode != mdns.RcodeFormatError || r.Id != 0xabcd {
		t.Fatalf("garbage over TCP: %v %v", err, r)
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("connection after FORMERR: %v, want it closed", err)
	}
}

func TestServeTCPClosesConnsOnShutdown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- ServeTCP(l, mustAuth(t, comentumZone())) }()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	co := &mdns.Conn{Conn: c}
	co.WriteMsg(query("comentum.com", mdns.TypeMX))
	if _, err := co.ReadMsg(); err != nil {
		t.Fatal(err)
	}
	l.Close()
	if err := <-done; err != nil {
		t.Errorf("ServeTCP: %v", err)
	}
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("open connection after shutdown: %v", err)
	}
}

func TestSummarize(t *testing.T) {
	a := mustAuth(t, comentumZone(), RootZone("a.root-servers.net", rootIP,
		Delegation{Domain: "comentum.com", NS: "ns.comentum.com", Addr: comentumIP}))
	root := mustAuth(t, RootZone("a.root-servers.net", rootIP,
		Delegation{Domain: "comentum.com", NS: "ns.comentum.com", Addr: comentumIP}))
	pack := func(m *mdns.Msg) []byte {
		b, err := m.Pack()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	big := a.Answer(query("big.comentum.com", mdns.TypeTXT))
	big.Truncate(512)
	tests := []struct {
		pkt  []byte
		want string
	}{
		{pack(query("comentum.com", mdns.TypeMX)), "MX? comentum.com"},
		{pack(a.Answer(query("comentum.com", mdns.TypeMX))), "MX comentum.com → 10 smtp.comentum.com, 20 backup-mx.otherisp.com"},
		{pack(a.Answer(query("mail.comentum.com", mdns.TypeA))), "A mail.comentum.com → CNAME smtp.comentum.com, 10.1.0.25"},
		{pack(a.Answer(query("nosuch.comentum.com", mdns.TypeA))), "NXDOMAIN nosuch.comentum.com"},
		{pack(a.Answer(query("comentum.com", mdns.TypeAAAA))), "NODATA AAAA comentum.com"},
		{pack(root.Answer(query("comentum.com", mdns.TypeMX))), "referral comentum.com → ns.comentum.com"},
		{pack(mustAuth(t, otherZone()).Answer(query("example.org", mdns.TypeMX))), "REFUSED example.org"},
		{pack(big), `TXT big.comentum.com → "chunk 00 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "chunk 01 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "chunk 02 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", +3 more (truncated)`},
		{[]byte{1, 2, 3}, "malformed DNS message (3 bytes)"},
	}
	for _, tt := range tests {
		if got := Summarize(tt.pkt); got != tt.want {
			t.Errorf("Summarize = %q\nwant        %q", got, tt.want)
		}
	}
}

// Service.Close closes the sockets it serves and returns once the TCP
// connections' goroutines have ended: an idle client is cut off.
func TestServiceCloseWaits(t *testing.T) {
	before := goleak.IgnoreCurrent()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{Handler: mustAuth(t, comentumZone())}
	done := make(chan error, 2)
	go func() { done <- s.ServeTCP(l) }()
	go func() { done <- s.ServeUDP(pc) }()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	co := &mdns.Conn{Conn: c}
	co.WriteMsg(query("comentum.com", mdns.TypeMX))
	if _, err := co.ReadMsg(); err != nil {
		t.Fatal(err)
	}
	// Both loops run (a UDP answer too) before Close: one that had not
	// begun would end with ErrClosed.
	if _, err := mdns.Exchange(query("comentum.com", mdns.TypeMX), pc.LocalAddr().String()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for i := 0; i < 2; i++ {
		if err := <-done; err != nil {
			t.Errorf("serve loop: %v", err)
		}
	}
	goleak.VerifyNone(t, before)
	c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("idle connection after Close: %v, want EOF", err)
	}
	l2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ServeTCP(l2); !errors.Is(err, net.ErrClosed) {
		t.Errorf("ServeTCP after Close: %v", err)
	}
	if _, err := l2.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("a listener served after Close is left open: Accept gives %v", err)
	}
}

// A connection over MaxConns is closed at once, and Close still returns:
// the refused one is not waited for.
func TestServiceCloseAfterCap(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Service{Handler: mustAuth(t, comentumZone()), Limits: TCPLimits{MaxConns: 1}}
	done := make(chan error, 1)
	go func() { done <- s.ServeTCP(l) }()
	first, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	co := &mdns.Conn{Conn: first}
	co.WriteMsg(query("comentum.com", mdns.TypeMX))
	if _, err := co.ReadMsg(); err != nil {
		t.Fatal(err)
	}
	second, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	second.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := second.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("a connection over the cap: %v, want it closed (EOF)", err)
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close hangs after a connection over the cap")
	}
	if err := <-done; err != nil {
		t.Errorf("serve loop: %v", err)
	}
}

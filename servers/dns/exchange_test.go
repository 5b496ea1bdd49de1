package dns

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"mailsim/servers/env"
)

// scriptConn answers from a script and logs what is done to it: the
// bytes written, the size of every Read, the deadlines set.
type scriptConn struct {
	datagrams [][]byte
	stream    *bytes.Reader
	readErr   error // once the script runs out
	log       []string
}

func (c *scriptConn) Read(p []byte) (int, error) {
	c.log = append(c.log, fmt.Sprintf("read %d", len(p)))
	if c.stream != nil {
		if c.stream.Len() == 0 {
			return 0, c.readErr
		}
		return c.stream.Read(p)
	}
	if len(c.datagrams) == 0 {
		return 0, c.readErr
	}
	d := c.datagrams[0]
	c.datagrams = c.datagrams[1:]
	return copy(p, d), nil
}

func (c *scriptConn) Write(p []byte) (int, error) {
	c.log = append(c.log, fmt.Sprintf("write %x", p))
	return len(p), nil
}

// deadline logs how far off t is, to the second: the two clients read
// the clock microseconds apart.
func (c *scriptConn) deadline(kind string, t time.Time) error {
	c.log = append(c.log, fmt.Sprintf("%s deadline in %v", kind, time.Until(t).Round(time.Second)))
	return nil
}

func (c *scriptConn) SetReadDeadline(t time.Time) error  { return c.deadline("read", t) }
func (c *scriptConn) SetWriteDeadline(t time.Time) error { return c.deadline("write", t) }
func (c *scriptConn) SetDeadline(t time.Time) error      { return c.deadline("both", t) }
func (c *scriptConn) Close() error                       { return nil }
func (c *scriptConn) LocalAddr() net.Addr                { return &net.UDPAddr{} }
func (c *scriptConn) RemoteAddr() net.Addr               { return &net.UDPAddr{} }

// packetConn is a scriptConn that is also a PacketConn, as a UDP conn
// is: both clients tell UDP from TCP that way.
type packetConn struct{ *scriptConn }

func (packetConn) ReadFrom([]byte) (int, net.Addr, error) { panic("ReadFrom") }
func (packetConn) WriteTo([]byte, net.Addr) (int, error)  { panic("WriteTo") }

// TestRoundTripAsMiekg holds roundTrip to miekg/dns's client, which it
// replaces: over the same scripted conns both must write the same bytes,
// read with the same sizes, set the same deadlines, and return the same
// reply and error.
func TestRoundTripAsMiekg(t *testing.T) {
	q := newQuery(0x1234, "example.com.", mdns.TypeMX, true)
	reply := func(id uint16, mx int, tsig bool) []byte {
		m := new(mdns.Msg)
		m.SetReply(q)
		m.Id = id
		for i := range mx {
			m.Answer = append(m.Answer, &mdns.MX{
				Hdr:        mdns.RR_Header{Name: "example.com.", Rrtype: mdns.TypeMX, Class: mdns.ClassINET, Ttl: 60},
				Preference: uint16(i), Mx: fmt.Sprintf("mx%d.example.com.", i)})
		}
		if tsig {
			m.SetTsig("key.", mdns.HmacSHA256, 300, 0)
		}
		b, err := m.Pack()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	ok, other, big := reply(0x1234, 2, false), reply(0x4321, 2, false), reply(0x1234, 300, false)
	if len(big) <= smallBuf {
		t.Fatalf("big reply of %d octets", len(big))
	}
	framed := func(msgs ...[]byte) []byte {
		var b []byte
		for _, m := range msgs {
			b = binary.BigEndian.AppendUint16(b, uint16(len(m)))
			b = append(b, m...)
		}
		return b
	}
	timeout := &net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}
	tests := []struct {
		name      string
		datagrams [][]byte // UDP
		stream    []byte   // TCP, if set
		readErr   error
		ctxIn     time.Duration // a context deadline
	}{
		{name: "udp reply", datagrams: [][]byte{ok}},
		{name: "udp other ID first", datagrams: [][]byte{other, other, ok}},
		{name: "udp other ID then timeout", datagrams: [][]byte{other}, readErr: timeout},
		{name: "udp timeout", readErr: timeout},
		{name: "udp short", datagrams: [][]byte{ok[:11]}},
		{name: "udp garbage", datagrams: [][]byte{ok[:20]}},
		{name: "udp cut to the EDNS size", datagrams: [][]byte{big}},
		{name: "udp tsig", datagrams: [][]byte{reply(0x1234, 1, true)}},
		{name: "udp context deadline", datagrams: [][]byte{ok}, ctxIn: 1200 * time.Millisecond},
		{name: "tcp reply", stream: framed(ok)},
		{name: "tcp big reply", stream: framed(big)},
		{name: "tcp other ID", stream: framed(other, ok)},
		{name: "tcp empty message", stream: framed(nil), readErr: io.EOF},
		{name: "tcp half a length", stream: []byte{0}, readErr: io.EOF},
		{name: "tcp cut short", stream: framed(big)[:1000], readErr: io.EOF},
		{name: "tcp closed", stream: []byte{}, readErr: io.EOF},
		{name: "tcp tsig", stream: framed(reply(0x1234, 1, true))},
	}
	e := env.NewLoopback("client.example", 1)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := func() (*scriptConn, net.Conn) {
				c := &scriptConn{datagrams: tt.datagrams, readErr: tt.readErr}
				if tt.stream != nil {
					c.stream = bytes.NewReader(tt.stream)
					return c, c
				}
				return c, packetConn{c}
			}
			ctx := context.Background()
			if tt.ctxIn > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctxIn)
				defer cancel()
			}
			network := "udp"
			if tt.stream != nil {
				network = "tcp"
			}
			sameAsMiekg(t, ctx, e, network, q, conn)
		})
	}
}

// sameAsMiekg runs miekg/dns's client and roundTrip over two conns
// made alike by conn, and fails t if they differ in anything.
func sameAsMiekg(t *testing.T, ctx context.Context, e env.Env, network string, q *mdns.Msg, conn func() (*scriptConn, net.Conn)) {
	t.Helper()
	log1, c1 := conn()
	mc := &mdns.Client{Net: network, Timeout: DefaultTimeout}
	r1, _, err1 := mc.ExchangeWithConnContext(ctx, q, &mdns.Conn{Conn: c1})

	// Buffers come back from the pools dirty.
	for _, pool := range []*sync.Pool{&smallBufs, &bigBufs} {
		bp, _ := lendBuf(0)
		if pool == &bigBufs {
			bp, _ = lendBuf(smallBuf + 1)
		}
		for i := range *bp {
			(*bp)[i] = 0xa5
		}
		pool.Put(bp)
	}
	log2, c2 := conn()
	r2, err2 := roundTrip(ctx, e, c2, DefaultTimeout, q)

	if fmt.Sprint(err1) != fmt.Sprint(err2) {
		t.Errorf("error %v, miekg/dns %v", err2, err1)
	}
	if (r1 == nil) != (r2 == nil) || r1 != nil && r1.String() != r2.String() {
		t.Errorf("reply\n%v\nmiekg/dns\n%v", r2, r1)
	}
	if fmt.Sprint(log1.log) != fmt.Sprint(log2.log) {
		t.Errorf("conn\n%q\nmiekg/dns\n%q", log2.log, log1.log)
	}
}

// FuzzRoundTrip gives both clients the same bytes as the reply, in a
// datagram or on a stream: whatever they are, the two must agree.
func FuzzRoundTrip(f *testing.F) {
	q := newQuery(0x1234, "example.com.", mdns.TypeMX, true)
	m := new(mdns.Msg)
	m.SetReply(q)
	m.Answer = append(m.Answer, &mdns.MX{Hdr: mdns.RR_Header{Name: "example.com.", Rrtype: mdns.TypeMX, Class: mdns.ClassINET, Ttl: 60},
		Preference: 10, Mx: "mx.example.com."})
	b, err := m.Pack()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b, false)
	f.Add(binary.BigEndian.AppendUint16(nil, uint16(len(b))), true)
	f.Add(append(binary.BigEndian.AppendUint16(nil, uint16(len(b))), b...), true)
	e := env.NewLoopback("client.example", 1)
	timeout := &net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}
	f.Fuzz(func(t *testing.T, data []byte, tcp bool) {
		network := "udp"
		conn := func() (*scriptConn, net.Conn) {
			c := &scriptConn{datagrams: [][]byte{data}, readErr: timeout}
			return c, packetConn{c}
		}
		if tcp {
			network = "tcp"
			conn = func() (*scriptConn, net.Conn) {
				c := &scriptConn{stream: bytes.NewReader(data), readErr: io.EOF}
				return c, c
			}
		}
		sameAsMiekg(t, context.Background(), e, network, q, conn)
	})
}

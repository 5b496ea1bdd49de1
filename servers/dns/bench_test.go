package dns

import (
	"net"
	"testing"

	mdns "github.com/miekg/dns"
)

func BenchmarkResolverCached(b *testing.B) {
	w := newWorld(b)
	if _, err := w.resolver.Resolve(ctx, "comentum.com", mdns.TypeMX); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := w.resolver.Resolve(ctx, "comentum.com", mdns.TypeMX); err != nil {
			b.Fatal(err)
		}
	}
	if s := w.resolver.Stats(); s.Upstream != 2 {
		b.Fatalf("cache missed: %+v", s)
	}
}

func BenchmarkAuthoritativeAnswer(b *testing.B) {
	a := mustAuth(b, comentumZone(), otherZone())
	q := query("comentum.com", mdns.TypeMX)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Answer(q).Pack(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServeUDPLoopback is a full round trip over a loopback socket.
func BenchmarkServeUDPLoopback(b *testing.B) {
	addr := serve(b, comentumIP, mustAuth(b, comentumZone()))
	c, err := net.Dial("udp", addr.String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	co := &mdns.Conn{Conn: c}
	q := query("comentum.com", mdns.TypeMX)
	b.ReportAllocs()
	for b.Loop() {
		if err := co.WriteMsg(q); err != nil {
			b.Fatal(err)
		}
		if _, err := co.ReadMsg(); err != nil {
			b.Fatal(err)
		}
	}
}

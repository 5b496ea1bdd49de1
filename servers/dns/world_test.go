package dns

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"mailsim/servers/env"
)

// A small Internet on loopback: the root on 127.0.0.1, comentum.com's
// name server on 127.0.0.2, otherisp.com's on 127.0.0.3, each on a port
// of its own, and comentum's resolver (Server) on 127.0.0.4.
var (
	rootIP     = netip.MustParseAddr("127.0.0.1")
	comentumIP = netip.MustParseAddr("127.0.0.2")
	otherIP    = netip.MustParseAddr("127.0.0.3")
	resolverIP = netip.MustParseAddr("127.0.0.4")
)

type world struct {
	env      *env.Loopback
	root     *Authoritative
	comentum *Authoritative
	other    *Authoritative
	resolver *Resolver
	server   *Server

	rootAddr, comentumAddr, otherAddr, resolverAddr netip.AddrPort
}

func comentumZone() Zone {
	z := ISPZone("comentum.com", []Host{
		{Name: "ns", Addr: comentumIP},
		{Name: "smtp", Addr: netip.MustParseAddr("10.1.0.25")},
		{Name: "pop", Addr: netip.MustParseAddr("10.1.0.110")},
		{Name: "www.comentum.com", Addr: netip.MustParseAddr("10.1.0.80")},
	})
	z.Records = append(z.Records,
		Record{Name: "@", Type: "MX", Value: "20 backup-mx.otherisp.com."},
		Record{Name: "mail", Type: "CNAME", Value: "smtp"},
		Record{Name: "webmail", Type: "CNAME", Value: "www.otherisp.com."},
		Record{Name: "short", Type: "A", TTL: 60, Value: "10.1.0.60"},
		Record{Name: "lab", Type: "NS", Value: "ns.lab"},
		Record{Name: "ns.lab", Type: "A", Value: "10.1.9.53"},
		Record{Name: "host.deep.sub", Type: "A", Value: "10.1.0.99"},
	)
	// Enough TXT data that no UDP reply can carry it (RFC 7766 fallback).
	for i := 0; i < 40; i++ {
		z.Records = append(z.Records, Record{Name: "big", Type: "TXT",
			Value: fmt.Sprintf("chunk %02d %s", i, strings.Repeat("x", 50))})
	}
	return z
}

func otherZone() Zone {
	return ISPZone("otherisp.com", []Host{
		{Name: "ns", Addr: otherIP},
		{Name: "smtp", Addr: netip.MustParseAddr("10.2.0.25")},
		{Name: "www", Addr: netip.MustParseAddr("10.2.0.80")},
		{Name: "backup-mx", Addr: netip.MustParseAddr("10.2.0.26")},
	})
}

func mustAuth(t testing.TB, zones ...Zone) *Authoritative {
	t.Helper()
	a, err := NewAuthoritative(zones...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// serve runs h on UDP and TCP at ip on one free port until the test ends.
func serve(t testing.TB, ip netip.Addr, h mdns.Handler) netip.AddrPort {
	t.Helper()
	var pc net.PacketConn
	var l net.Listener
	for try := 0; ; try++ {
		var err error
		if pc, err = net.ListenPacket("udp", netip.AddrPortFrom(ip, 0).String()); err != nil {
			t.Fatal(err)
		}
		port := uint16(pc.LocalAddr().(*net.UDPAddr).Port)
		if l, err = net.Listen("tcp", netip.AddrPortFrom(ip, port).String()); err == nil {
			break
		}
		pc.Close()
		if try > 20 {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	wg.Add(2)
	errs := make(chan error, 2)
	go func() { defer wg.Done(); errs <- ServeUDP(pc, h) }()
	go func() { defer wg.Done(); errs <- ServeTCP(l, h) }()
	t.Cleanup(func() {
		pc.Close()
		l.Close()
		wg.Wait()
		for i := 0; i < 2; i++ {
			if err := <-errs; err != nil {
				t.Errorf("serve returned %v after close", err)
			}
		}
	})
	return netip.AddrPortFrom(ip, uint16(pc.LocalAddr().(*net.UDPAddr).Port))
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{env: env.NewLoopback("ns.comentum.com", 1)}
	w.comentum = mustAuth(t, comentumZone())
	w.other = mustAuth(t, otherZone())
	w.comentumAddr = serve(t, comentumIP, w.comentum)
	w.otherAddr = serve(t, otherIP, w.other)
	w.root = mustAuth(t, RootZone("a.root-servers.net", rootIP,
		Delegation{Domain: "comentum.com", NS: "ns.comentum.com", Addr: comentumIP},
		Delegation{Domain: "otherisp.com", NS: "ns.otherisp.com", Addr: otherIP},
		Delegation{Domain: "glueless.net", NS: "ns.otherisp.com"},
	))
	w.rootAddr = serve(t, rootIP, w.root)
	w.resolver = &Resolver{
		Env:   w.env,
		Roots: []netip.AddrPort{w.rootAddr},
		Ports: map[netip.Addr]uint16{
			rootIP: w.rootAddr.Port(), comentumIP: w.comentumAddr.Port(), otherIP: w.otherAddr.Port(),
		},
		Timeout: time.Second,
	}
	w.server = &Server{Resolver: w.resolver}
	w.resolverAddr = serve(t, resolverIP, w.server)
	return w
}

func netipMust(s string) netip.Addr { return netip.MustParseAddr(s) }

package world

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// M2: LMTP trusts its SMTP server, so serve never exposes it: no
// endpoint, and a raw connection to port 24 (or its offset) on the POP3
// host's loopback address is refused.
func TestLMTPNotExposed(t *testing.T) {
	rt := buildScenario(t, load(t, "figure-b.yaml"))
	x, err := rt.Expose(ExposeOptions{Base: netip.MustParseAddr("127.113.0.0")})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var popIP netip.Addr
	for _, ep := range x.Endpoints {
		if ep.Service == "lmtp" || ep.Sim.Port() == 24 {
			t.Errorf("LMTP exposed: %+v", ep)
		}
		if ep.Host == "pop3.comentum.com" {
			popIP = ep.Real.Addr()
		}
	}
	if !popIP.IsValid() {
		t.Fatalf("pop3.comentum.com not exposed: %+v", x.Endpoints)
	}
	for _, port := range []int{24, 10024} {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(popIP.String(), strconv.Itoa(port)), 2*time.Second)
		if err == nil {
			c.Close()
			t.Errorf("port %d on %s accepts connections", port, popIP)
		}
	}
}

// M1: every new source port of a real DNS client gets a simulated UDP
// socket, but the oldest are closed past maxUDPFlows, so the client host
// does not run out of ports or memory.
func TestExposeUDPFlowsBounded(t *testing.T) {
	old := maxUDPFlows
	maxUDPFlows = 4
	defer func() { maxUDPFlows = old }()
	rt := buildScenario(t, load(t, "figure-b.yaml"))
	x, err := rt.Expose(ExposeOptions{Base: netip.MustParseAddr("127.114.0.0"), AlwaysOffset: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer x.Close() // first, while Pace runs: a bridge's close takes a kernel turn
	go rt.World.Pace(ctx, 20)
	ep := endpoint(t, x, "ns.otherisp.com", "dns", "udp")
	// A query for "comentum.com. A" with RD, id 1.
	q := []byte{0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 8, 'c', 'o', 'm', 'e', 'n', 't', 'u', 'm', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1}
	for i := range 12 {
		c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(ep.Real))
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		c.Write(q)
		var b [512]byte
		if _, err := c.Read(b[:]); err != nil {
			t.Fatalf("query %d: %v", i, err)
		}
		c.Close()
	}
	client := rt.Host(x.From)
	if n := client.UDPSockets(); n > 4+1 {
		t.Errorf("%s holds %d UDP sockets after 12 client ports, want ≤ 5", x.From, n)
	}
}

// L9: a connection to a stopped service is reset, not closed quietly
// after an accept: the client reads ECONNRESET, never a greeting.
func TestExposeStoppedServiceResets(t *testing.T) {
	rt := buildScenario(t, load(t, "server-down.yaml"))
	x, err := rt.Expose(ExposeOptions{Base: netip.MustParseAddr("127.115.0.0"), AlwaysOffset: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// First, while Pace runs: a bridge's close takes a kernel turn.
	defer x.Close()
	if err := rt.RunUntil(time.Second); err != nil { // the stop at 0s has happened
		t.Fatal(err)
	}
	go rt.World.Pace(ctx, 1)
	ep := endpoint(t, x, "smtp.comentum.com", "smtp", "tcp")
	c, err := net.Dial("tcp", ep.Real.String())
	if err != nil {
		return // refused outright is fine too
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	var b [64]byte
	n, err := c.Read(b[:])
	if n > 0 || err == nil || !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("read %q, %v; want a reset", b[:n], err)
	}
}

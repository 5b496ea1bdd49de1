package world

import (
	"bufio"
	"context"
	"net"
	"testing"
	"time"
)

// L2: an idle client is dropped by every TCP service, LMTP and DNS over
// TCP too: LMTP after 5 minutes (421), DNS after BIND's 30 seconds.
func TestIdleConnectionsDropped(t *testing.T) {
	rt := buildScenario(t, load(t, "figure-b.yaml"))
	type result struct {
		last   string
		closed time.Duration
	}
	got := map[string]*result{}
	for _, c := range []struct{ name, host, port string }{
		{"lmtp", "pop3.comentum.com", "24"},
		{"dns", "ns.comentum.com", "53"},
	} {
		r := &result{}
		got[c.name] = r
		h := rt.Scenario.Host(c.host)
		if h == nil {
			t.Fatalf("no host %s", c.host)
		}
		addr := net.JoinHostPort(h.Addr.String(), c.port)
		client := rt.Host("bob-pc")
		rt.World.At(time.Second, "idle "+c.name+" client", func() {
			conn, err := client.Dial(context.Background(), "tcp", addr)
			if err != nil {
				r.last = err.Error()
				return
			}
			br := bufio.NewReader(conn)
			for {
				line, err := br.ReadString('\n')
				if line != "" {
					r.last = line
				}
				if err != nil {
					r.closed = rt.World.Now()
					conn.Close()
					return
				}
			}
		})
	}
	if err := rt.RunUntil(10 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if r := got["lmtp"]; r.closed < 5*time.Minute || r.closed > 5*time.Minute+2*time.Second || len(r.last) < 3 || r.last[:3] != "421" {
		t.Errorf("LMTP: closed at %v after %q; want 421 at 5m", r.closed, r.last)
	}
	if r := got["dns"]; r.closed < 30*time.Second || r.closed > 32*time.Second {
		t.Errorf("DNS/TCP: closed at %v; want 30s after connecting", r.closed)
	}
}

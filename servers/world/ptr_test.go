package world

import (
	"context"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"mailsim/servers/env"
)

// Reverse lookups: Lisa's PC asks her ISP's resolver for the name of
// Comentum's SMTP server's address; the resolver walks from the root to
// comentum's reverse zone.
func TestPTRThroughTheResolver(t *testing.T) {
	rt := build(t, "figure-b.yaml")
	var answer *mdns.Msg
	pc := rt.Host("lisa-pc")
	pc.Go("reverse lookup", func() {
		conn, err := pc.Dial(context.Background(), "udp", "ns.otherisp.com:53")
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		q := new(mdns.Msg)
		q.SetQuestion("25.113.0.203.in-addr.arpa.", mdns.TypePTR)
		q.Id = 7
		c := &mdns.Client{Timeout: 5 * time.Second}
		wc := env.WallClockConn(pc, conn, c.Timeout) // miekg/dns's deadlines, in virtual time
		answer, _, err = c.ExchangeWithConn(q, &mdns.Conn{Conn: wc})
		if err != nil {
			t.Error(err)
		}
	})
	if err := rt.RunUntil(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if answer == nil || answer.Rcode != mdns.RcodeSuccess || len(answer.Answer) != 1 {
		t.Fatalf("PTR answer: %v", answer)
	}
	if ptr, ok := answer.Answer[0].(*mdns.PTR); !ok || ptr.Ptr != "smtp.comentum.com." {
		t.Errorf("PTR = %v, want smtp.comentum.com.", answer.Answer[0])
	}
}

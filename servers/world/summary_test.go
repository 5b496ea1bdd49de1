package world

import (
	"net/netip"
	"testing"

	mdns "github.com/miekg/dns"

	"mailsim/servers/service"
	"mailsim/sim"
)

// TestDNSSummariesKept checks that a kept DNS summary is the one the
// message itself gives, for messages that differ in their ID or in
// anything else, asked again and again.
func TestDNSSummariesKept(t *testing.T) {
	var msgs [][]byte
	for i, q := range []struct {
		name  string
		qtype uint16
	}{{"comentum.com.", mdns.TypeMX}, {"smtp.comentum.com.", mdns.TypeA}, {"comentum.com.", mdns.TypeA}} {
		for id := range uint16(3) {
			m := new(mdns.Msg)
			m.SetQuestion(q.name, q.qtype)
			m.Id = id*7 + uint16(i)
			b, err := m.Pack()
			if err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, b)
			r := new(mdns.Msg)
			r.SetReply(m)
			if id == 1 {
				r.Rcode = mdns.RcodeNameError
			} else {
				rr, err := mdns.NewRR(q.name + " 300 IN A 203.0.113." + string(rune('1'+id)))
				if err != nil {
					t.Fatal(err)
				}
				r.Answer = append(r.Answer, rr)
			}
			if b, err = r.Pack(); err != nil {
				t.Fatal(err)
			}
			msgs = append(msgs, b)
		}
	}
	msgs = append(msgs, []byte{0xab, 0xcd, 1, 2, 3}, []byte{0x12, 0x34, 1, 2, 3}, []byte{1}) // malformed
	// A question whose name is a pointer into the ID: "a" or "b", read
	// from the ID's second byte (as a datagram from outside might be).
	for _, id := range []byte{'a', 'b', 'a'} {
		msgs = append(msgs, []byte{1, id, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x00, 0, 1, 0, 1})
	}
	dns := service.OfConversation(53, 53)
	c := &summaries{dns: map[string]string{}}
	src, dst := netip.MustParseAddrPort("198.51.100.100:49152"), netip.MustParseAddrPort("198.51.100.53:53")
	for round := range 3 {
		for _, b := range msgs {
			e := &sim.Event{Proto: "udp", Src: src, Dst: dst, Payload: b}
			if got, want := c.summarize(e), dns.Summarize("udp", b); got != want {
				t.Errorf("round %d, % x: %q, want %q", round, b, got, want)
			}
		}
	}
	if len(c.dns) == 0 || len(c.dns) >= len(msgs) {
		t.Errorf("%d summaries kept for %d messages, some alike but for their ID", len(c.dns), len(msgs))
	}
}

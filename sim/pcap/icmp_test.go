package pcap_test

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/google/gopacket/layers"

	"mailsim/sim"
	"mailsim/sim/pcap"
)

// An ICMP port unreachable event is written as an IPv4 ICMP frame of
// type 3 code 3 whose body is the quoted datagram.
func TestICMPFrame(t *testing.T) {
	quoted := []byte("0123456789012345678901234567") // 28 bytes: IP header + UDP header
	e := &sim.Event{Kind: sim.KindHop, Hop: 1, Hops: 1, Proto: "icmp",
		Src: netip.MustParseAddrPort("198.51.100.53:0"), Dst: netip.MustParseAddrPort("198.51.100.25:0"), Payload: quoted}
	var buf bytes.Buffer
	w, err := pcap.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	w.Event(e)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	pkts, _, _ := read(t, buf.Bytes())
	if len(pkts) != 1 {
		t.Fatalf("%d frames, want 1", len(pkts))
	}
	ip, _ := pkts[0].Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	ic, _ := pkts[0].Layer(layers.LayerTypeICMPv4).(*layers.ICMPv4)
	if ip == nil || ic == nil || ip.Protocol != layers.IPProtocolICMPv4 {
		t.Fatalf("not an ICMP frame: %v", pkts[0])
	}
	if ic.TypeCode.Type() != 3 || ic.TypeCode.Code() != 3 {
		t.Errorf("type/code %v, want destination unreachable / port unreachable", ic.TypeCode)
	}
	if !bytes.Equal(ic.Payload, quoted) {
		t.Errorf("body %q, want the quoted datagram", ic.Payload)
	}
	// ICMP's checksum covers the message only, no pseudo-header.
	if got := sum16(ip.Contents); got != 0xffff {
		t.Errorf("IP header checksum wrong: sum %#04x", got)
	}
	if got := sum16(ip.Payload); got != 0xffff {
		t.Errorf("ICMP checksum wrong: sum %#04x", got)
	}
}

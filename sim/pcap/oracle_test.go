package pcap_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"mailsim/sim"
	"mailsim/sim/pcap"
)

// gopacketFile is the capture gopacket's serializer and pcapgo write for
// the first-hop events of evs: the oracle the hand-written headers must
// match byte for byte (the writer used gopacket until it cost every
// collection a scan of its tables).
func gopacketFile(t *testing.T, evs []*sim.Event) []byte {
	t.Helper()
	var out bytes.Buffer
	pw := pcapgo.NewWriterNanos(&out)
	if err := pw.WriteFileHeader(pcap.Snaplen, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	var id uint16
	for _, e := range evs {
		if e.Kind != sim.KindHop || e.Hop != 1 {
			continue
		}
		s4, d4 := e.Src.Addr().As4(), e.Dst.Addr().As4()
		id++
		eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, s4[0], s4[1], s4[2], s4[3]},
			DstMAC: net.HardwareAddr{2, 0, d4[0], d4[1], d4[2], d4[3]}, EthernetType: layers.EthernetTypeIPv4}
		ip := &layers.IPv4{Version: 4, TTL: 64, Id: id, SrcIP: net.IP(s4[:]), DstIP: net.IP(d4[:])}
		var l4 gopacket.SerializableLayer
		switch e.Proto {
		case "icmp":
			ip.Protocol = layers.IPProtocolICMPv4
			l4 = &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(sim.ICMPDestUnreachable, sim.ICMPPortUnreachable)}
		case "udp":
			ip.Protocol = layers.IPProtocolUDP
			udp := &layers.UDP{SrcPort: layers.UDPPort(e.Src.Port()), DstPort: layers.UDPPort(e.Dst.Port())}
			udp.SetNetworkLayerForChecksum(ip)
			l4 = udp
		default:
			ip.Protocol = layers.IPProtocolTCP
			ip.Flags = layers.IPv4DontFragment
			tcp := &layers.TCP{SrcPort: layers.TCPPort(e.Src.Port()), DstPort: layers.TCPPort(e.Dst.Port()),
				Seq: e.TCPSeq, Window: 65535,
				SYN: e.Flags&sim.SYN != 0, FIN: e.Flags&sim.FIN != 0, RST: e.Flags&sim.RST != 0,
				PSH: e.Flags&sim.PSH != 0, ACK: e.Flags&sim.ACK != 0}
			if tcp.ACK {
				tcp.Ack = e.TCPAck
			}
			tcp.SetNetworkLayerForChecksum(ip)
			l4 = tcp
		}
		opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
		if err := gopacket.SerializeLayers(buf, opts, eth, ip, l4, gopacket.Payload(e.Payload)); err != nil {
			t.Fatal(err)
		}
		frame := buf.Bytes()
		ci := gopacket.CaptureInfo{Timestamp: sim.DefaultEpoch.Add(e.Depart), CaptureLength: len(frame), Length: len(frame)}
		if err := pw.WritePacket(ci, frame); err != nil {
			t.Fatal(err)
		}
	}
	return out.Bytes()
}

// The writer's file is gopacket's, byte for byte: every protocol, every
// flag set, payloads empty, odd, under and over the 60-byte frame,
// addresses and ports whose sums carry.
func TestSameAsGopacket(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var evs []*sim.Event
	addr := func() netip.AddrPort {
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte{byte(rng.Intn(256)), byte(rng.Intn(256)), byte(rng.Intn(256)), byte(rng.Intn(256))}), uint16(rng.Intn(65536)))
	}
	for k := range 2000 {
		payload := make([]byte, []int{0, 1, 5, 6, 7, 20, 1459, 1460}[k%8]+rng.Intn(3))
		rng.Read(payload)
		e := hop([]string{"tcp", "smtp", "udp", "icmp"}[k%4], addr(), addr(), sim.TCPFlags(rng.Intn(64)),
			rng.Uint32(), rng.Uint32(), time.Duration(rng.Int63n(int64(24*time.Hour))), string(payload))
		if k%7 == 0 {
			e.Hop = 2 // not written
		}
		evs = append(evs, e)
	}
	var got bytes.Buffer
	w, err := pcap.NewWriter(&got)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		w.Event(e)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := gopacketFile(t, evs)
	if !bytes.Equal(got.Bytes(), want) {
		at := 0
		for at < min(got.Len(), len(want)) && got.Bytes()[at] == want[at] {
			at++
		}
		t.Fatalf("the capture differs from gopacket's at byte %d of %d (want %d bytes)%s", at, got.Len(), len(want), context(got.Bytes(), want, at))
	}
	if w.Packets() < 1500 {
		t.Fatalf("%d frames written", w.Packets())
	}
}

func context(got, want []byte, at int) string {
	lo := max(0, at-8)
	return fmt.Sprintf("\n got % x\nwant % x", got[lo:min(len(got), at+8)], want[lo:min(len(want), at+8)])
}

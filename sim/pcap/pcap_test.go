package pcap_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net/netip"
	"testing"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"mailsim/sim"
	"mailsim/sim/pcap"
)

var (
	lisa = netip.MustParseAddrPort("198.51.100.100:49152")
	smtp = netip.MustParseAddrPort("198.51.100.25:25")
	disc = netip.MustParseAddrPort("198.51.100.53:9") // RFC 863 discard: no decoder
)

func hop(proto string, src, dst netip.AddrPort, flags sim.TCPFlags, seq, ack uint32, depart time.Duration, payload string) *sim.Event {
	return &sim.Event{Kind: sim.KindHop, Hop: 1, Hops: 2, Depart: depart, Proto: proto, Src: src, Dst: dst,
		Flags: flags, TCPSeq: seq, TCPAck: ack, Payload: []byte(payload)}
}

// read decodes every frame of a capture.
func read(t *testing.T, data []byte) ([]gopacket.Packet, []gopacket.CaptureInfo, *pcapgo.Reader) {
	t.Helper()
	r, err := pcapgo.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var pkts []gopacket.Packet
	var cis []gopacket.CaptureInfo
	for {
		frame, ci, err := r.ReadPacketData()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		pkts = append(pkts, gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.Default))
		cis = append(cis, ci)
	}
	return pkts, cis, r
}

// sum16 is the RFC 1071 one's complement sum, written independently of
// gopacket to check its checksums: a correct header sums to 0xffff.
func sum16(parts ...[]byte) uint16 {
	var s uint32
	for _, b := range parts {
		for i := 0; i+1 < len(b); i += 2 {
			s += uint32(binary.BigEndian.Uint16(b[i:]))
		}
		if len(b)%2 == 1 {
			s += uint32(b[len(b)-1]) << 8
		}
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

func checkChecksums(t *testing.T, p gopacket.Packet) {
	t.Helper()
	ip := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	if got := sum16(ip.Contents); got != 0xffff {
		t.Errorf("IP header checksum wrong: sum %#04x", got)
	}
	seg := ip.Payload
	pseudo := make([]byte, 12)
	copy(pseudo, ip.SrcIP.To4())
	copy(pseudo[4:], ip.DstIP.To4())
	pseudo[9] = byte(ip.Protocol)
	binary.BigEndian.PutUint16(pseudo[10:], uint16(len(seg)))
	if got := sum16(pseudo, seg); got != 0xffff {
		t.Errorf("%v checksum wrong: sum %#04x", ip.Protocol, got)
	}
}

func TestFrames(t *testing.T) {
	epoch := time.Date(2000, 1, 3, 9, 0, 0, 0, time.UTC)
	events := []*sim.Event{
		hop("tcp", lisa, smtp, sim.SYN, 1000, 0, 0, ""),
		{Kind: sim.KindNote, Text: "queued"},
		hop("tcp", smtp, lisa, sim.SYN|sim.ACK, 5000, 1001, 5*time.Millisecond, ""),
		func() *sim.Event {
			e := hop("tcp", smtp, lisa, sim.SYN|sim.ACK, 5000, 1001, 6*time.Millisecond, "")
			e.Hop = 2
			return e
		}(),
		hop("tcp", lisa, smtp, sim.PSH|sim.ACK, 1001, 5001, 10*time.Millisecond+1, "MAIL FROM:<lisa@otherisp.com>\r\n"),
		hop("udp", smtp, disc, 0, 0, 0, time.Second, "odd"),
		{Kind: sim.KindDrop, Proto: "tcp", Src: lisa, Dst: smtp, Text: "lost"},
	}
	tests := []struct {
		src, dst netip.AddrPort
		proto    gopacket.LayerType
		flags    sim.TCPFlags
		seq, ack uint32
		at       time.Duration
		payload  string
	}{
		{lisa, smtp, layers.LayerTypeTCP, sim.SYN, 1000, 0, 0, ""},
		{smtp, lisa, layers.LayerTypeTCP, sim.SYN | sim.ACK, 5000, 1001, 5 * time.Millisecond, ""},
		{lisa, smtp, layers.LayerTypeTCP, sim.PSH | sim.ACK, 1001, 5001, 10*time.Millisecond + 1, "MAIL FROM:<lisa@otherisp.com>\r\n"},
		{smtp, disc, layers.LayerTypeUDP, 0, 0, 0, time.Second, "odd"},
	}
	var buf bytes.Buffer
	w, err := pcap.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	w.SetEpoch(epoch)
	for _, e := range events {
		w.Event(e)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if w.Packets() != len(tests) {
		t.Fatalf("Packets() = %d, want %d", w.Packets(), len(tests))
	}
	pkts, cis, r := read(t, buf.Bytes())
	if r.LinkType() != layers.LinkTypeEthernet {
		t.Errorf("link type %v", r.LinkType())
	}
	if len(pkts) != len(tests) {
		t.Fatalf("%d frames, want %d (only first hops)", len(pkts), len(tests))
	}
	for i, tt := range tests {
		p := pkts[i]
		if el := p.ErrorLayer(); el != nil {
			t.Fatalf("frame %d: decode error %v", i, el.Error())
		}
		if want := epoch.Add(tt.at); !cis[i].Timestamp.Equal(want) {
			t.Errorf("frame %d: time %v, want %v", i, cis[i].Timestamp, want)
		}
		eth := p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
		s4, d4 := tt.src.Addr().As4(), tt.dst.Addr().As4()
		if !bytes.Equal(eth.SrcMAC, append([]byte{2, 0}, s4[:]...)) || !bytes.Equal(eth.DstMAC, append([]byte{2, 0}, d4[:]...)) {
			t.Errorf("frame %d: MACs %v → %v", i, eth.SrcMAC, eth.DstMAC)
		}
		ip := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		if ip.SrcIP.String() != tt.src.Addr().String() || ip.DstIP.String() != tt.dst.Addr().String() {
			t.Errorf("frame %d: IP %v → %v", i, ip.SrcIP, ip.DstIP)
		}
		if ip.Id != uint16(i+1) || ip.TTL != 64 {
			t.Errorf("frame %d: id %d ttl %d", i, ip.Id, ip.TTL)
		}
		checkChecksums(t, p)
		if tt.payload != "" {
			if al := p.ApplicationLayer(); al == nil || string(al.Payload()) != tt.payload {
				t.Errorf("frame %d: payload %v, want %q", i, al, tt.payload)
			}
		}
		switch tt.proto {
		case layers.LayerTypeTCP:
			tcp, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
			if !ok {
				t.Fatalf("frame %d: no TCP layer", i)
			}
			if uint16(tcp.SrcPort) != tt.src.Port() || uint16(tcp.DstPort) != tt.dst.Port() {
				t.Errorf("frame %d: ports %d → %d", i, tcp.SrcPort, tcp.DstPort)
			}
			if tcp.Seq != tt.seq || tcp.Ack != tt.ack {
				t.Errorf("frame %d: seq %d ack %d, want %d %d", i, tcp.Seq, tcp.Ack, tt.seq, tt.ack)
			}
			got := tcp.SYN == (tt.flags&sim.SYN != 0) && tcp.ACK == (tt.flags&sim.ACK != 0) &&
				tcp.PSH == (tt.flags&sim.PSH != 0) && !tcp.FIN && !tcp.RST
			if !got {
				t.Errorf("frame %d: flags SYN=%v ACK=%v PSH=%v FIN=%v RST=%v, want %v", i, tcp.SYN, tcp.ACK, tcp.PSH, tcp.FIN, tcp.RST, tt.flags)
			}
			if ip.Flags&layers.IPv4DontFragment == 0 {
				t.Errorf("frame %d: TCP without DF", i)
			}
		case layers.LayerTypeUDP:
			udp, ok := p.Layer(layers.LayerTypeUDP).(*layers.UDP)
			if !ok {
				t.Fatalf("frame %d: no UDP layer", i)
			}
			if uint16(udp.SrcPort) != tt.src.Port() || uint16(udp.DstPort) != tt.dst.Port() || int(udp.Length) != 8+len(tt.payload) {
				t.Errorf("frame %d: UDP %d → %d len %d", i, udp.SrcPort, udp.DstPort, udp.Length)
			}
		}
	}
}

func TestNotIPv4(t *testing.T) {
	var buf bytes.Buffer
	w, _ := pcap.NewWriter(&buf)
	w.Event(hop("tcp", netip.MustParseAddrPort("[2001:db8::1]:25"), smtp, sim.SYN, 0, 0, 0, ""))
	if err := w.Flush(); !errors.Is(err, pcap.ErrNotIPv4) {
		t.Fatalf("Flush() = %v, want ErrNotIPv4", err)
	}
}

type failWriter struct{}

func (failWriter) Write(p []byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	w, err := pcap.NewWriter(failWriter{})
	if err != nil {
		t.Fatal(err)
	}
	w.Event(hop("udp", smtp, disc, 0, 0, 0, 0, "x"))
	if err := w.Close(); err == nil || err.Error() != "disk full" {
		t.Fatalf("Close() = %v, want disk full", err)
	}
}

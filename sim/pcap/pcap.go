// Package pcap writes the segments of a simulation to a classic libpcap
// capture file that Wireshark and tshark open like any real capture.
//
// Each segment becomes an Ethernet II frame carrying an IPv4 packet
// (RFC 791) with a TCP (RFC 9293) or UDP (RFC 768) header built from the
// event: addresses and ports from Event.Src/Dst, TCP flags, sequence and
// acknowledgement numbers as the simulated stack sent them, and real IP,
// TCP and UDP checksums (RFC 1071). The file format is libpcap's with
// nanosecond timestamps (magic 0xa1b23c4d, link type 1, Ethernet).
//
// One frame per segment: a segment crosses several links, and the kernel
// emits one hop event for each; the writer keeps only the first hop
// (Event.Hop == 1), where the sender puts the segment on the wire, so
// each segment appears once, as a capture on the sender's own interface
// would show it. Writing every hop would show each segment three or four
// times, which Wireshark reports as retransmissions. Drops and notes are
// not packets and are skipped.
//
// Determinism: timestamps are the world's epoch plus Event.Depart, MAC
// addresses are derived from the IPv4 addresses (02:00 followed by the
// four address bytes, a locally administered unicast MAC), and the IP
// identification field counts frames; so the same run gives a
// byte-identical file.
//
// Unlike the rest of sim, which uses only the standard library, this
// package imports github.com/google/gopacket (pure Go: layers and pcapgo)
// to serialize the headers and the file format.
package pcap

import (
	"bufio"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"

	"mailsim/sim"
)

// Snaplen is the largest frame the file declares; simulated segments are
// far smaller (MSS 1460, DNS datagrams up to a few KiB).
const Snaplen = 262144

// window is the TCP receive window every segment advertises; the
// simulated stack has no flow control to report.
const window = 65535

// Writer turns hop events into frames of a pcap file. Its methods are
// safe for concurrent use, though the kernel calls Event from one
// goroutine only.
type Writer struct {
	mu    sync.Mutex
	out   io.Writer
	bw    *bufio.Writer
	pw    *pcapgo.Writer
	epoch time.Time
	ipID  uint16
	buf   gopacket.SerializeBuffer
	err   error
	n     int
}

// NewWriter writes the pcap file header to out and returns a Writer whose
// timestamps count from sim.DefaultEpoch; Attach or SetEpoch sets the
// epoch of a particular world.
func NewWriter(out io.Writer) (*Writer, error) {
	bw := bufio.NewWriterSize(out, 64<<10)
	pw := pcapgo.NewWriterNanos(bw)
	if err := pw.WriteFileHeader(Snaplen, layers.LinkTypeEthernet); err != nil {
		return nil, err
	}
	return &Writer{out: out, bw: bw, pw: pw, epoch: sim.DefaultEpoch, buf: gopacket.NewSerializeBuffer()}, nil
}

// SetEpoch sets the wall-clock instant virtual time 0 stands for.
func (w *Writer) SetEpoch(t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.epoch = t
}

// Attach takes the epoch of world and subscribes Event to its events.
func (w *Writer) Attach(world *sim.World) {
	w.SetEpoch(world.Epoch())
	world.Subscribe(w.Event)
}

// Packets is the number of frames written so far.
func (w *Writer) Packets() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// Event writes the frame of a first-hop event and ignores every other
// event. Use it as a World subscriber. A write error is kept and
// reported by Flush and Close; later events are then dropped.
func (w *Writer) Event(e *sim.Event) {
	if e.Kind != sim.KindHop || e.Hop != 1 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return
	}
	frame, err := w.frame(e)
	if err != nil {
		w.err = err
		return
	}
	ci := gopacket.CaptureInfo{Timestamp: w.epoch.Add(e.Depart), CaptureLength: len(frame), Length: len(frame)}
	if err := w.pw.WritePacket(ci, frame); err != nil {
		w.err = err
		return
	}
	w.n++
}

// Flush writes buffered frames to the underlying writer and reports the
// first error met so far.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.bw.Flush(); w.err == nil {
		w.err = err
	}
	return w.err
}

// Close flushes, then closes the underlying writer if it is an io.Closer
// (an *os.File given to NewWriter is closed).
func (w *Writer) Close() error {
	err := w.Flush()
	if c, ok := w.out.(io.Closer); ok {
		if cerr := c.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// ErrNotIPv4 is returned (by Flush) for a hop whose addresses are not
// IPv4; the simulated Internet is IPv4 only.
var ErrNotIPv4 = errors.New("pcap: segment without IPv4 addresses")

// frame serializes one segment; the result is valid until the next call.
func (w *Writer) frame(e *sim.Event) ([]byte, error) {
	src, dst := e.Src.Addr(), e.Dst.Addr()
	if !src.Is4() || !dst.Is4() {
		return nil, ErrNotIPv4
	}
	s4, d4 := src.As4(), dst.As4()
	w.ipID++
	eth := &layers.Ethernet{SrcMAC: mac(s4), DstMAC: mac(d4), EthernetType: layers.EthernetTypeIPv4}
	ip := &layers.IPv4{
		Version: 4, TTL: 64, Id: w.ipID,
		SrcIP: net.IP(s4[:]), DstIP: net.IP(d4[:]),
	}
	var l4 gopacket.SerializableLayer
	switch e.Proto {
	case "icmp": // port unreachable (sim/icmp.go); the payload is the quoted datagram
		ip.Protocol = layers.IPProtocolICMPv4
		// Its checksum covers the quoted datagram too (RFC 792), as
		// gopacket computes it: the payload is serialized first.
		l4 = &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(sim.ICMPDestUnreachable, sim.ICMPPortUnreachable)}
	case "udp":
		ip.Protocol = layers.IPProtocolUDP
		udp := &layers.UDP{SrcPort: layers.UDPPort(e.Src.Port()), DstPort: layers.UDPPort(e.Dst.Port())}
		if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
			return nil, err
		}
		l4 = udp
	default:
		ip.Protocol = layers.IPProtocolTCP
		ip.Flags = layers.IPv4DontFragment
		tcp := &layers.TCP{
			SrcPort: layers.TCPPort(e.Src.Port()), DstPort: layers.TCPPort(e.Dst.Port()),
			Seq: e.TCPSeq, Window: window,
			SYN: e.Flags&sim.SYN != 0, FIN: e.Flags&sim.FIN != 0, RST: e.Flags&sim.RST != 0,
			PSH: e.Flags&sim.PSH != 0, ACK: e.Flags&sim.ACK != 0,
		}
		if tcp.ACK {
			tcp.Ack = e.TCPAck
		}
		if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
			return nil, err
		}
		l4 = tcp
	}
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(w.buf, opts, eth, ip, l4, gopacket.Payload(e.Payload)); err != nil {
		return nil, err
	}
	return w.buf.Bytes(), nil
}

// mac is the locally administered unicast MAC of an IPv4 address.
func mac(a [4]byte) net.HardwareAddr {
	return net.HardwareAddr{0x02, 0x00, a[0], a[1], a[2], a[3]}
}

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
// The headers and the file format are written here, as the RFCs lay
// them out: gopacket, which the tests read the frames back with (and
// check byte for byte against its own serializer), fills seven
// megabytes of tables at start-up that every collection would scan.
package pcap

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"sync"
	"time"

	"mailsim/sim"
)

// Snaplen is the largest frame the file declares; simulated segments are
// far smaller (MSS 1460, DNS datagrams up to a few KiB).
const Snaplen = 262144

// window is the TCP receive window every segment advertises: the
// simulated stack's default (sim.Config.Window), unscaled.
const window = 65535

// Writer turns hop events into frames of a pcap file. Its methods are
// safe for concurrent use, though the kernel calls Event from one
// goroutine only.
type Writer struct {
	mu    sync.Mutex
	out   io.Writer
	bw    *bufio.Writer
	epoch time.Time
	ipID  uint16
	buf   []byte
	err   error
	n     int
}

// NewWriter writes the pcap file header to out and returns a Writer whose
// timestamps count from sim.DefaultEpoch; Attach or SetEpoch sets the
// epoch of a particular world.
func NewWriter(out io.Writer) (*Writer, error) {
	bw := bufio.NewWriterSize(out, 64<<10)
	var h [24]byte // libpcap's file header, little-endian
	le.PutUint32(h[0:], magicNanos)
	le.PutUint16(h[4:], 2) // version 2.4
	le.PutUint16(h[6:], 4)
	le.PutUint32(h[16:], Snaplen) // then thiszone and sigfigs, 0
	le.PutUint32(h[20:], linkEthernet)
	if _, err := bw.Write(h[:]); err != nil {
		return nil, err
	}
	return &Writer{out: out, bw: bw, epoch: sim.DefaultEpoch}, nil
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
	at := w.epoch.Add(e.Depart)
	var h [16]byte // the record header: time, then captured and real length
	le.PutUint32(h[0:], uint32(at.Unix()))
	le.PutUint32(h[4:], uint32(at.Nanosecond()))
	le.PutUint32(h[8:], uint32(len(frame)))
	le.PutUint32(h[12:], uint32(len(frame)))
	if _, err := w.bw.Write(h[:]); err != nil {
		w.err = err
		return
	}
	if _, err := w.bw.Write(frame); err != nil {
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

const (
	magicNanos   = 0xa1b23c4d // libpcap, nanosecond timestamps
	linkEthernet = 1

	etherIPv4   = 0x0800
	protoICMP   = 1
	protoTCP    = 6
	protoUDP    = 17
	dontFrag    = 0x4000 // IPv4 flags and fragment offset: DF
	minFrame    = 60     // Ethernet's least frame, less the FCS: shorter ones are padded
	ethLen      = 14
	ipLen       = 20 // no options
	tcpLen      = 20 // no options
	udpLen      = 8
	icmpLen     = 8
	defaultTTL  = 64
	tcpDataOffs = tcpLen / 4 << 12
)

var (
	le = binary.LittleEndian
	be = binary.BigEndian
)

// frame serializes one segment; the result is valid until the next call.
func (w *Writer) frame(e *sim.Event) ([]byte, error) {
	src, dst := e.Src.Addr(), e.Dst.Addr()
	if !src.Is4() || !dst.Is4() {
		return nil, ErrNotIPv4
	}
	s4, d4 := src.As4(), dst.As4()
	w.ipID++
	proto, l4, flags := byte(protoTCP), tcpLen, uint16(dontFrag)
	switch e.Proto {
	case "icmp": // port unreachable (sim/icmp.go); the payload is the quoted datagram
		proto, l4, flags = protoICMP, icmpLen, 0
	case "udp":
		proto, l4, flags = protoUDP, udpLen, 0
	}
	n := ethLen + ipLen + l4 + len(e.Payload)
	size := max(n, minFrame)
	if cap(w.buf) < size {
		w.buf = make([]byte, 0, max(size, 2*cap(w.buf)))
	}
	b := w.buf[:size]
	clear(b)

	// Ethernet II: destination and source MAC, then the type.
	putMAC(b[0:], d4)
	putMAC(b[6:], s4)
	be.PutUint16(b[12:], etherIPv4)

	// IPv4 (RFC 791).
	ip := b[ethLen : ethLen+ipLen]
	ip[0] = 4<<4 | ipLen/4
	be.PutUint16(ip[2:], uint16(ipLen+l4+len(e.Payload)))
	be.PutUint16(ip[4:], w.ipID)
	be.PutUint16(ip[6:], flags)
	ip[8] = defaultTTL
	ip[9] = proto
	copy(ip[12:], s4[:])
	copy(ip[16:], d4[:])
	be.PutUint16(ip[10:], sim.Checksum(ip, 0))

	seg := b[ethLen+ipLen : n]
	copy(seg[l4:], e.Payload)
	// The pseudo-header of TCP's and UDP's checksums (RFC 9293 §3.1).
	pseudo := uint32(proto) + uint32(len(seg))
	for _, a := range [2][4]byte{s4, d4} {
		pseudo += uint32(a[0])<<8 | uint32(a[1])
		pseudo += uint32(a[2])<<8 | uint32(a[3])
	}
	switch proto {
	case protoICMP:
		// Destination unreachable; its checksum covers the quoted
		// datagram too (RFC 792).
		seg[0], seg[1] = sim.ICMPDestUnreachable, sim.ICMPPortUnreachable
		be.PutUint16(seg[2:], sim.Checksum(seg, 0))
	case protoUDP: // RFC 768
		be.PutUint16(seg[0:], e.Src.Port())
		be.PutUint16(seg[2:], e.Dst.Port())
		be.PutUint16(seg[4:], uint16(len(seg)))
		be.PutUint16(seg[6:], sim.Checksum(seg, pseudo))
	default: // TCP, RFC 9293
		be.PutUint16(seg[0:], e.Src.Port())
		be.PutUint16(seg[2:], e.Dst.Port())
		be.PutUint32(seg[4:], e.TCPSeq)
		if e.Flags&sim.ACK != 0 {
			be.PutUint32(seg[8:], e.TCPAck)
		}
		// sim's flags have the header's bit values.
		be.PutUint16(seg[12:], tcpDataOffs|uint16(e.Flags&(sim.FIN|sim.SYN|sim.RST|sim.PSH|sim.ACK)))
		be.PutUint16(seg[14:], window)
		be.PutUint16(seg[16:], sim.Checksum(seg, pseudo))
	}
	return b, nil
}

// putMAC writes the locally administered unicast MAC of an IPv4
// address.
func putMAC(b []byte, a [4]byte) {
	b[0], b[1] = 0x02, 0x00
	copy(b[2:6], a[:])
}

package dns

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	mdns "github.com/miekg/dns"

	"mailsim/servers/env"
)

// DefaultTimeout is how long a query waits for its reply (virtual time in
// the simulator), as miekg/dns's own default.
const DefaultTimeout = 2 * time.Second

// exchange sends q to server over UDP and, if the reply comes back
// truncated, again over TCP (RFC 7766 §5). It checks that the reply
// answers q's question (RFC 5452 §9.1); roundTrip checks the ID.
func exchange(ctx context.Context, e env.Env, timeout time.Duration, server netip.AddrPort, q *mdns.Msg) (*mdns.Msg, error) {
	r, err := exchangeOver(ctx, e, "udp", timeout, server, q)
	// A datagram lost on the way gets no reply: ask again, as a stub
	// resolver does (resolv.conf's attempts:2), once.
	var ne net.Error
	if err != nil && errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil {
		r, err = exchangeOver(ctx, e, "udp", timeout, server, q)
	}
	if err == nil && r.Truncated {
		r, err = exchangeOver(ctx, e, "tcp", timeout, server, q)
	}
	if err != nil {
		return nil, err
	}
	if len(r.Question) != 1 || !strings.EqualFold(r.Question[0].Name, q.Question[0].Name) ||
		r.Question[0].Qtype != q.Question[0].Qtype {
		return nil, fmt.Errorf("reply from %s does not match the question", server)
	}
	return r, nil
}

func exchangeOver(ctx context.Context, e env.Env, network string, timeout time.Duration, server netip.AddrPort, q *mdns.Msg) (*mdns.Msg, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	conn, err := e.Dial(ctx, network, server.String())
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	r, err := roundTrip(ctx, e, conn, timeout, q)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", network, server, err)
	}
	return r, nil
}

// roundTrip is miekg/dns's Client.ExchangeWithConnContext (v1.1.73)
// without its fresh buffer for every reply: the same deadlines, the same
// bytes written, the same reads and the same errors. The deadlines are
// taken from the host's clock (virtual time in the simulator), where
// miekg/dns reads the wall clock and WallClockConn converted it.
func roundTrip(ctx context.Context, e env.Env, conn net.Conn, timeout time.Duration, q *mdns.Msg) (*mdns.Msg, error) {
	size := mdns.MinMsgSize // miekg/dns's UDP read buffer
	if opt := q.IsEdns0(); opt != nil && int(opt.UDPSize()) > size {
		size = int(opt.UDPSize())
	}
	deadline := e.Deadline(timeout)
	if d, ok := ctx.Deadline(); ok {
		if d := e.WallDeadline(d, timeout); d.Before(deadline) {
			deadline = d
		}
	}
	conn.SetWriteDeadline(deadline)
	conn.SetReadDeadline(deadline)

	_, packet := conn.(net.PacketConn)
	if err := writeQuery(conn, packet, q); err != nil {
		return nil, err
	}
	if packet {
		for {
			// A reply with another ID may answer an earlier query
			// that timed out: wait on for ours.
			r, err := readReply(conn, true, size)
			if err != nil || r.Id == q.Id {
				return r, err
			}
		}
	}
	r, err := readReply(conn, false, 0)
	if err == nil && r.Id != q.Id {
		err = mdns.ErrId
	}
	return r, err
}

// Buffers for queries and replies, lent for one write or read. Most are
// small (a query, a UDP reply of at most our EDNS size); a TCP reply may
// take 65535 octets (RFC 1035 §4.2.2).
const smallBuf = 2048

var (
	smallBufs = sync.Pool{New: func() any { b := make([]byte, smallBuf); return &b }}
	bigBufs   = sync.Pool{New: func() any { b := make([]byte, 1<<16); return &b }}
)

func lendBuf(n int) (*[]byte, *sync.Pool) {
	pool := &smallBufs
	if n > smallBuf {
		pool = &bigBufs
	}
	return pool.Get().(*[]byte), pool
}

var errTooLarge = errors.New("dns: message too large")

// writeQuery packs q and writes it in one Write, over TCP after its
// two-octet length (RFC 1035 §4.2.2).
func writeQuery(conn net.Conn, packet bool, q *mdns.Msg) error {
	bp, pool := lendBuf(0)
	defer pool.Put(bp)
	buf := *bp
	off := 2
	if packet {
		off = 0
	}
	out, err := q.PackBuffer(buf[off:])
	if err != nil {
		return err
	}
	if len(out) > mdns.MaxMsgSize {
		return errTooLarge
	}
	if !packet {
		// out is normally buf[2:] already, and the append copies it
		// onto itself.
		out = append(buf[:2], out...)
		binary.BigEndian.PutUint16(out, uint16(len(out)-2))
	}
	_, err = conn.Write(out)
	return err
}

// readReply reads one reply, a datagram into size octets or a TCP
// message after its length, with the reads miekg/dns makes, and unpacks
// it. Unpack copies all it keeps, so the buffer goes back to its pool.
func readReply(conn net.Conn, packet bool, size int) (*mdns.Msg, error) {
	if !packet {
		var hdr [2]byte
		if _, err := io.ReadFull(conn, hdr[:]); err != nil {
			return nil, err
		}
		size = int(binary.BigEndian.Uint16(hdr[:]))
	}
	bp, pool := lendBuf(size)
	defer pool.Put(bp)
	p := (*bp)[:size]
	var n int
	var err error
	if packet {
		n, err = conn.Read(p)
	} else {
		n, err = io.ReadFull(conn, p)
	}
	if err != nil {
		return nil, err
	}
	if n < headerSize {
		return nil, mdns.ErrShortRead
	}
	p = p[:n]
	r := new(mdns.Msg)
	if err := r.Unpack(p); err != nil {
		return r, err
	}
	if r.IsTsig() != nil {
		// We hold no TSIG keys: miekg/dns fails such a reply this way.
		err = mdns.TsigVerifyWithProvider(p, noKeys{}, "", false)
	}
	return r, err
}

// headerSize is a DNS header's length (RFC 1035 §4.1.1).
const headerSize = 12

// noKeys is a TSIG provider that knows no keys, as a miekg/dns Client
// without TsigSecret.
type noKeys struct{}

func (noKeys) Generate([]byte, *mdns.TSIG) ([]byte, error) { return nil, mdns.ErrSecret }
func (noKeys) Verify([]byte, *mdns.TSIG) error             { return mdns.ErrSecret }

// newQuery builds a query with an ID from the Env's seeded source (mdns.Id
// reads crypto/rand, which would make runs differ) and an EDNS0 OPT.
func newQuery(id uint16, name string, qtype uint16, rd bool) *mdns.Msg {
	q := new(mdns.Msg)
	q.Id = id
	q.RecursionDesired = rd
	q.Question = []mdns.Question{{Name: name, Qtype: qtype, Qclass: mdns.ClassINET}}
	q.SetEdns0(ednsSize, false)
	return q
}

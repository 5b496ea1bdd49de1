package dns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	mdns "github.com/miekg/dns"

	"mailsim/servers/env"
)

// DefaultTimeout is how long a query waits for its reply (virtual time in
// the simulator), as miekg/dns's own default.
const DefaultTimeout = 2 * time.Second

// exchange sends q to server over UDP and, if the reply comes back
// truncated, again over TCP (RFC 7766 §5). It checks that the reply
// answers q's question (RFC 5452 §9.1); miekg/dns checks the ID.
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
	// miekg/dns sets its deadlines as time.Now() plus Timeout; the host
	// converts them (to virtual time in the simulator).
	c := &mdns.Client{Net: network, Timeout: timeout}
	wc := env.WallClockConn(e, conn, timeout)
	r, _, err := c.ExchangeWithConnContext(ctx, q, &mdns.Conn{Conn: wc})
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", network, server, err)
	}
	return r, nil
}

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

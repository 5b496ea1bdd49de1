package dns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"

	mdns "github.com/miekg/dns"
)

// LookupA is LookupHost with the answer's TTL (the smallest of the A
// records'), so a stub that caches, as a mail program's operating
// system does, knows how long it may keep the addresses.
func (c *Client) LookupA(ctx context.Context, host string) ([]string, time.Duration, error) {
	rrs, err := c.lookup(ctx, host, mdns.TypeA)
	if err != nil {
		return nil, 0, err
	}
	var out []string
	var ttl uint32
	for _, rr := range rrs {
		if v, ok := rr.(*mdns.A); ok {
			out = append(out, v.A.String())
			if len(out) == 1 || v.Hdr.Ttl < ttl {
				ttl = v.Hdr.Ttl
			}
		}
	}
	return out, time.Duration(ttl) * time.Second, nil
}

// transportErrText says why a query to server got no reply, in words a
// student reads in a bounce or the story: the server's host answered
// with ICMP port unreachable (nothing listens on port 53), or nothing
// came back in time.
func transportErrText(err error, server netip.AddrPort) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("no DNS server at %s (ICMP port unreachable)", server)
	case errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("no answer from %s (timeout)", server)
	}
	return err.Error()
}

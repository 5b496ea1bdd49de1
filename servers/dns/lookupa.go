package dns

import (
	"context"
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

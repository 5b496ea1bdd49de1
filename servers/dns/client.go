package dns

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"

	mdns "github.com/miekg/dns"

	"mailsim/servers/env"
)

// Client is a stub resolver (RFC 1123 §6.1.3.1): it sends recursive
// queries to one resolver, as a host's /etc/resolv.conf would. The SMTP
// server uses it to find mail exchangers. It draws query IDs from
// Env.Rand, so give it its host's Env and no other goroutine's.
type Client struct {
	Env     env.Env
	Server  netip.AddrPort // the ISP's resolver
	Timeout time.Duration  // per query; 0 means DefaultTimeout

	mu sync.Mutex // guards Env.Rand
}

// LookupMX returns domain's mail exchangers sorted by preference, then
// name. A domain that does not exist, or has no MX records, gives a
// *net.DNSError with IsNotFound set; a resolver failure or timeout one
// with IsTemporary set. Either wraps an *RcodeError when the resolver
// answered with an rcode. (RFC 5321 §5.1's fallback to the A record when
// there is no MX is the caller's to make.)
func (c *Client) LookupMX(ctx context.Context, domain string) ([]*net.MX, error) {
	rrs, err := c.lookup(ctx, domain, mdns.TypeMX)
	if err != nil {
		return nil, err
	}
	var mx []*net.MX
	for _, rr := range rrs {
		if v, ok := rr.(*mdns.MX); ok {
			mx = append(mx, &net.MX{Host: v.Mx, Pref: v.Preference})
		}
	}
	sort.SliceStable(mx, func(i, j int) bool {
		if mx[i].Pref != mx[j].Pref {
			return mx[i].Pref < mx[j].Pref
		}
		return strings.ToLower(mx[i].Host) < strings.ToLower(mx[j].Host)
	})
	return mx, nil
}

// LookupHost returns host's IPv4 addresses, following CNAMEs, with the
// same errors as LookupMX.
func (c *Client) LookupHost(ctx context.Context, host string) ([]string, error) {
	addrs, _, err := c.LookupA(ctx, host)
	return addrs, err
}

// lookup asks the resolver and returns the records of qtype at the end of
// any CNAME chain.
func (c *Client) lookup(ctx context.Context, name string, qtype uint16) ([]mdns.RR, error) {
	fqdn := mdns.CanonicalName(name)
	dnsErr := &net.DNSError{Name: trimDot(fqdn), Server: c.Server.String()}
	if _, ok := mdns.IsDomainName(fqdn); !ok || strings.TrimSpace(name) == "" {
		dnsErr.Err, dnsErr.IsNotFound = "invalid domain name", true
		return nil, dnsErr
	}
	c.mu.Lock()
	id := uint16(c.Env.Rand().Intn(1 << 16))
	c.mu.Unlock()
	resp, err := exchange(ctx, c.Env, c.Timeout, c.Server, newQuery(id, fqdn, qtype, true))
	if err != nil {
		var ne net.Error
		dnsErr.Err, dnsErr.IsTemporary = transportErrText(err, c.Server), true
		dnsErr.IsTimeout = errors.As(err, &ne) && ne.Timeout()
		dnsErr.UnwrapErr = servfail(fqdn, qtype, "%w", err)
		return nil, dnsErr
	}
	switch resp.Rcode {
	case mdns.RcodeSuccess:
	case mdns.RcodeNameError:
		dnsErr.Err, dnsErr.IsNotFound = "no such host", true
		dnsErr.UnwrapErr = &RcodeError{Name: fqdn, Qtype: qtype, Rcode: resp.Rcode}
		return nil, dnsErr
	default:
		dnsErr.Err = "server misbehaving: " + rcodeName(resp.Rcode)
		dnsErr.IsTemporary = resp.Rcode == mdns.RcodeServerFailure
		dnsErr.UnwrapErr = &RcodeError{Name: fqdn, Qtype: qtype, Rcode: resp.Rcode}
		return nil, dnsErr
	}
	end := chase(resp.Answer, fqdn)
	var out []mdns.RR
	for _, rr := range resp.Answer {
		if rr.Header().Rrtype == qtype && strings.EqualFold(rr.Header().Name, end) {
			out = append(out, rr)
		}
	}
	if len(out) == 0 {
		dnsErr.Err, dnsErr.IsNotFound = "no "+mdns.TypeToString[qtype]+" record", true
		dnsErr.UnwrapErr = &RcodeError{Name: fqdn, Qtype: qtype, Rcode: mdns.RcodeSuccess}
		return nil, dnsErr
	}
	return out, nil
}

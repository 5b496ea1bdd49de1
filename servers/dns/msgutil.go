package dns

import (
	"strings"

	mdns "github.com/miekg/dns"
)

// usable reports whether resp is a reply a resolver can act on: an
// answer, an authoritative negative answer, or a referral toward name.
// Anything else (REFUSED, SERVFAIL, a non-authoritative empty reply)
// marks the server lame for the zone.
func usable(resp *mdns.Msg, zone, name string) bool {
	switch resp.Rcode {
	case mdns.RcodeSuccess:
		if len(resp.Answer) > 0 || resp.Authoritative {
			return true
		}
		child, _ := referral(resp, zone, name)
		return child != ""
	case mdns.RcodeNameError:
		return resp.Authoritative
	}
	return false
}

// referral returns the child zone and its NS records when resp delegates
// a zone below zone that encloses name (RFC 1034 §4.3.2 step 3b).
func referral(resp *mdns.Msg, zone, name string) (string, []mdns.RR) {
	if resp.Authoritative || resp.Rcode != mdns.RcodeSuccess || len(resp.Answer) > 0 {
		return "", nil
	}
	var child string
	var ns []mdns.RR
	for _, rr := range resp.Ns {
		if _, ok := rr.(*mdns.NS); !ok {
			continue
		}
		owner := mdns.CanonicalName(rr.Header().Name)
		if owner == zone || !mdns.IsSubDomain(zone, owner) || !mdns.IsSubDomain(owner, name) {
			continue
		}
		if child == "" {
			child = owner
		}
		if owner == child {
			ns = append(ns, rr)
		}
	}
	return child, ns
}

// inZone keeps the records whose owner lies in zone: a server may only
// speak for its own zone (RFC 2181 §5.4.1, the "bailiwick" rule).
func inZone(rrs []mdns.RR, zone string) []mdns.RR {
	var out []mdns.RR
	for _, rr := range rrs {
		if rr.Header().Rrtype == mdns.TypeOPT {
			continue
		}
		if mdns.IsSubDomain(zone, mdns.CanonicalName(rr.Header().Name)) {
			out = append(out, rr)
		}
	}
	return out
}

func onlyType(rrs []mdns.RR, t uint16) []mdns.RR {
	var out []mdns.RR
	for _, rr := range rrs {
		if rr.Header().Rrtype == t {
			out = append(out, rr)
		}
	}
	return out
}

func onlyName(rrs []mdns.RR, name string) []mdns.RR {
	var out []mdns.RR
	for _, rr := range rrs {
		if strings.EqualFold(rr.Header().Name, name) {
			out = append(out, rr)
		}
	}
	return out
}

// glueFor keeps the address records of the name servers in ns.
func glueFor(ns, extra []mdns.RR) []mdns.RR {
	var out []mdns.RR
	for _, rr := range ns {
		for _, g := range onlyName(extra, rr.(*mdns.NS).Ns) {
			if t := g.Header().Rrtype; t == mdns.TypeA || t == mdns.TypeAAAA {
				out = append(out, g)
			}
		}
	}
	return out
}

// chase follows the CNAME records in rrs from name to the name they end at.
func chase(rrs []mdns.RR, name string) string {
	for i := 0; i <= maxCNAMEChain; i++ {
		next := ""
		for _, rr := range rrs {
			if c, ok := rr.(*mdns.CNAME); ok && strings.EqualFold(c.Hdr.Name, name) {
				next = mdns.CanonicalName(c.Target)
				break
			}
		}
		if next == "" {
			return name
		}
		name = next
	}
	return name
}

// hasData reports whether rrs hold records of type t (any, for ANY) at name.
func hasData(rrs []mdns.RR, name string, t uint16) bool {
	for _, rr := range rrs {
		h := rr.Header()
		if strings.EqualFold(h.Name, name) && (h.Rrtype == t || t == mdns.TypeANY) {
			return true
		}
	}
	return false
}

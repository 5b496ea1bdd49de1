package dns

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"time"

	mdns "github.com/miekg/dns"

	"mailsim/servers/env"
)

// Resolver is an iterative, caching resolver (RFC 1034 §5.3.3). It starts
// at the root servers, follows referrals down to the zone's own servers,
// chases CNAMEs, and caches answers and negative answers (RFC 2308) for
// their TTL on the Env's clock. It is safe for concurrent use; fill the
// exported fields before first use.
type Resolver struct {
	Env   env.Env
	Roots []netip.AddrPort // the root servers' addresses
	// Ports gives the port to use for a name server address learned from
	// a referral; addresses not listed use 53. Loopback tests run several
	// servers on 127.0.0.x with their own ports.
	Ports map[netip.Addr]uint16
	// Timeout bounds each query to another server; 0 means
	// DefaultResolverTimeout, shorter than a stub's DefaultTimeout so a
	// dead server shows up at the client as SERVFAIL, not as a timeout.
	Timeout time.Duration
	// Local holds the zones this host serves itself. They are answered in
	// process: asking ourselves over UDP from inside the single-goroutine
	// read loop would wait for a reply that loop cannot send.
	Local *Authoritative

	mu    sync.Mutex
	cache map[cacheKey]cached
	puts  int // since the last sweep of expired entries
	stats ResolverStats
}

var _ mdns.Handler = (*Resolver)(nil)

// ResolverStats counts a resolver's work.
type ResolverStats struct {
	Lookups   int // questions resolved, from clients or Go callers
	CacheHits int // of those, answered from the cache alone
	Upstream  int // queries sent to other servers
}

// Stats returns the counters so far.
func (r *Resolver) Stats() ResolverStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// DefaultResolverTimeout is the resolver's wait for each upstream reply.
const DefaultResolverTimeout = time.Second

// Limits on one resolution.
const (
	maxReferrals = 16 // zone cuts followed for one name
	maxDepth     = 6  // nested lookups of name server addresses
)

// nameServer is one server to ask for a zone.
type nameServer struct {
	host  string
	addr  netip.AddrPort
	local bool // answer from r.Local
}

// ServeDNS answers recursive queries (RD set). Without RD it answers
// only from the cache and refuses otherwise, as resolvers that allow
// cache snooping do.
func (r *Resolver) ServeDNS(w mdns.ResponseWriter, req *mdns.Msg) {
	_ = w.WriteMsg(r.Answer(context.Background(), req))
}

// Answer builds the reply to a client's query.
func (r *Resolver) Answer(ctx context.Context, req *mdns.Msg) *mdns.Msg {
	if rc, ok := checkQuery(req); !ok {
		return errorReply(req, rc)
	}
	q := req.Question[0]
	m := new(mdns.Msg).SetReply(req)
	m.RecursionAvailable = true
	if q.Qtype == mdns.TypeAXFR || q.Qtype == mdns.TypeIXFR {
		m.Rcode = mdns.RcodeRefused
		return m
	}
	var res *mdns.Msg
	if req.RecursionDesired {
		var err error
		if res, err = r.Resolve(ctx, q.Name, q.Qtype); err != nil {
			m.Rcode = mdns.RcodeServerFailure
			return m
		}
	} else if res = r.cached(mdns.CanonicalName(q.Name), q.Qtype); res == nil {
		m.Rcode = mdns.RcodeRefused
		return m
	}
	m.Rcode, m.Answer, m.Ns = res.Rcode, res.Answer, res.Ns
	return m
}

// Resolve finds name's records of type qtype. The reply carries the
// rcode (NOERROR or NXDOMAIN), the answer including any CNAME chain, and
// for negative answers the SOA. Failures (every server of a zone
// unreachable, lame or failing) are *RcodeError with SERVFAIL.
func (r *Resolver) Resolve(ctx context.Context, name string, qtype uint16) (*mdns.Msg, error) {
	name = mdns.CanonicalName(name)
	if _, ok := mdns.IsDomainName(name); !ok {
		return nil, &RcodeError{Name: name, Qtype: qtype, Rcode: mdns.RcodeFormatError}
	}
	res, hit, err := r.resolve(ctx, name, qtype, 0)
	r.mu.Lock()
	r.stats.Lookups++
	if hit && err == nil {
		r.stats.CacheHits++
	}
	r.mu.Unlock()
	how := "by walking from the root"
	if hit {
		how = "from the cache"
	}
	if err != nil {
		r.Env.Logf("resolve %s %s: %v", trimDot(name), mdns.TypeToString[qtype], err)
	} else {
		r.Env.Logf("resolved %s %s %s: %s", trimDot(name), mdns.TypeToString[qtype], how, rcodeName(res.Rcode))
	}
	return res, err
}

// resolve answers name/qtype, following CNAMEs across zones. hit reports
// that the cache alone answered.
func (r *Resolver) resolve(ctx context.Context, name string, qtype uint16, depth int) (res *mdns.Msg, hit bool, err error) {
	if depth > maxDepth {
		return nil, false, servfail(name, qtype, "lookups nested too deep")
	}
	res = new(mdns.Msg)
	hit = true
	cur := name
	for i := 0; ; i++ {
		if i > maxCNAMEChain {
			return nil, false, servfail(name, qtype, "CNAME chain too long")
		}
		step := r.cached(cur, qtype)
		if step == nil {
			hit = false
			if step, err = r.iterate(ctx, cur, qtype, depth); err != nil {
				return nil, false, err
			}
		}
		res.Answer = append(res.Answer, step.Answer...)
		res.Rcode, res.Ns = step.Rcode, step.Ns
		if step.Rcode != mdns.RcodeSuccess || qtype == mdns.TypeCNAME {
			return res, hit, nil
		}
		end := chase(step.Answer, cur)
		if end == cur || hasData(step.Answer, end, qtype) {
			return res, hit, nil
		}
		cur = end
	}
}

// cached answers name/qtype from the cache alone, or returns nil. Data
// from referrals does not count as an answer (RFC 2181 §5.4.1).
func (r *Resolver) cached(name string, qtype uint16) *mdns.Msg {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.Env.Now()
	m := new(mdns.Msg)
	if e, ok := r.get(now, cacheKey{name, typeNXDomain}); ok {
		m.Rcode, m.Ns = mdns.RcodeNameError, e.soa
		return m
	}
	if e, ok := r.get(now, cacheKey{name, qtype}); ok && rank(e.kind) > 1 {
		if e.kind == KindNoData {
			m.Ns = e.soa
		} else {
			m.Answer = e.rrs
		}
		return m
	}
	if qtype != mdns.TypeCNAME {
		if e, ok := r.get(now, cacheKey{name, mdns.TypeCNAME}); ok && rank(e.kind) > 1 {
			m.Answer = e.rrs
			return m
		}
	}
	return nil
}

// iterate asks servers for name/qtype, starting at the closest zone cut
// known and following referrals down.
func (r *Resolver) iterate(ctx context.Context, name string, qtype uint16, depth int) (*mdns.Msg, error) {
	zone, servers := r.startPoint(name)
	for hop := 0; hop < maxReferrals; hop++ {
		resp, err := r.askZone(ctx, zone, servers, name, qtype)
		if err != nil {
			return nil, err
		}
		answer := inZone(resp.Answer, zone)
		soa := onlyType(inZone(resp.Ns, zone), mdns.TypeSOA)
		now := r.Env.Now()
		if len(servers) == 1 && servers[0].local {
			// Our own zones change at run time and are always at hand:
			// caching them would only serve stale data.
			now = time.Time{}
		}
		switch child, ns := referral(resp, zone, name); {
		case resp.Rcode == mdns.RcodeNameError:
			r.mu.Lock()
			r.storeSets(now, answer, KindAnswer)
			r.put(now, cacheKey{chase(answer, name), typeNXDomain}, KindNXDomain, nil, soa)
			r.mu.Unlock()
			return &mdns.Msg{MsgHdr: mdns.MsgHdr{Rcode: mdns.RcodeNameError}, Answer: answer, Ns: soa}, nil
		case len(resp.Answer) > 0:
			r.mu.Lock()
			r.storeSets(now, answer, KindAnswer)
			r.mu.Unlock()
			return &mdns.Msg{Answer: answer}, nil
		case child != "":
			glue := inZone(resp.Extra, zone)
			r.mu.Lock()
			r.put(now, cacheKey{child, mdns.TypeNS}, KindReferral, ns, nil)
			r.storeSets(now, glueFor(ns, glue), KindGlue)
			r.mu.Unlock()
			if servers, err = r.serversFor(ctx, child, ns, glue, depth); err != nil {
				return nil, err
			}
			zone = child
		default: // NODATA
			r.mu.Lock()
			r.put(now, cacheKey{name, qtype}, KindNoData, nil, soa)
			r.mu.Unlock()
			return &mdns.Msg{Ns: soa}, nil
		}
	}
	return nil, servfail(name, qtype, "more than %d referrals", maxReferrals)
}

// startPoint picks where to begin: our own zones, else the deepest zone
// cut whose servers' addresses are cached, else the root.
func (r *Resolver) startPoint(name string) (string, []nameServer) {
	if r.Local != nil {
		r.Local.mu.RLock()
		z := r.Local.zoneFor(name)
		r.Local.mu.RUnlock()
		if z != nil {
			return z.origin, []nameServer{{host: "(local)", local: true}}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.Env.Now()
	for off, end := 0, false; !end; off, end = mdns.NextLabel(name, off) {
		e, ok := r.get(now, cacheKey{name[off:], mdns.TypeNS})
		if !ok {
			continue
		}
		var servers []nameServer
		for _, rr := range e.rrs {
			host := mdns.CanonicalName(rr.(*mdns.NS).Ns)
			for _, t := range []uint16{mdns.TypeA, mdns.TypeAAAA} {
				if a, ok := r.get(now, cacheKey{host, t}); ok {
					servers = append(servers, r.addrsOf(host, a.rrs)...)
				}
			}
		}
		if len(servers) > 0 {
			return name[off:], servers
		}
	}
	servers := make([]nameServer, len(r.Roots))
	for i, a := range r.Roots {
		servers[i] = nameServer{host: "root", addr: a}
	}
	return ".", servers
}

// askZone asks zone's servers in turn until one gives a usable reply.
func (r *Resolver) askZone(ctx context.Context, zone string, servers []nameServer, name string, qtype uint16) (*mdns.Msg, error) {
	var lastErr error = fmt.Errorf("no servers known for %s", zone)
	for _, s := range servers {
		r.mu.Lock()
		id := uint16(r.Env.Rand().Intn(1 << 16))
		if !s.local {
			r.stats.Upstream++
		}
		r.mu.Unlock()
		q := newQuery(id, name, qtype, false)
		var resp *mdns.Msg
		if s.local {
			resp = r.Local.Answer(q)
		} else {
			var err error
			if resp, err = exchange(ctx, r.Env, r.timeout(), s.addr, q); err != nil {
				lastErr = err
				continue
			}
		}
		if usable(resp, zone, name) {
			return resp, nil
		}
		lastErr = fmt.Errorf("%s (%s) is lame for %s: %s", s.host, s.addr, zone, rcodeName(resp.Rcode))
	}
	return nil, servfail(name, qtype, "%v", lastErr)
}

func (r *Resolver) timeout() time.Duration {
	if r.Timeout > 0 {
		return r.Timeout
	}
	return DefaultResolverTimeout
}

// serversFor turns a referral's NS records into addresses: glue first,
// else by resolving the server names (glueless delegation).
func (r *Resolver) serversFor(ctx context.Context, child string, ns, glue []mdns.RR, depth int) ([]nameServer, error) {
	var out []nameServer
	for _, rr := range ns {
		host := mdns.CanonicalName(rr.(*mdns.NS).Ns)
		out = append(out, r.addrsOf(host, onlyName(glue, host))...)
	}
	for _, rr := range ns {
		if len(out) > 0 {
			break
		}
		host := mdns.CanonicalName(rr.(*mdns.NS).Ns)
		if mdns.IsSubDomain(child, host) {
			continue // needs glue we were not given
		}
		if res, _, err := r.resolve(ctx, host, mdns.TypeA, depth+1); err == nil {
			out = append(out, r.addrsOf(host, res.Answer)...)
		}
	}
	if len(out) == 0 {
		return nil, servfail(child, mdns.TypeNS, "no address for any name server of %s", child)
	}
	return out, nil
}

// addrsOf lists the A/AAAA records among rrs as servers, on the port
// Ports gives each address.
func (r *Resolver) addrsOf(host string, rrs []mdns.RR) []nameServer {
	var out []nameServer
	for _, rr := range rrs {
		var a netip.Addr
		switch v := rr.(type) {
		case *mdns.A:
			a, _ = netip.AddrFromSlice(v.A.To4())
		case *mdns.AAAA:
			a, _ = netip.AddrFromSlice(v.AAAA)
		default:
			continue
		}
		port := uint16(53)
		if p, ok := r.Ports[a]; ok {
			port = p
		}
		out = append(out, nameServer{host: host, addr: netip.AddrPortFrom(a, port)})
	}
	return out
}

// storeSets caches each RRset in rrs under its owner and type. The
// caller holds r.mu.
func (r *Resolver) storeSets(now time.Time, rrs []mdns.RR, kind string) {
	sets := map[cacheKey][]mdns.RR{}
	var order []cacheKey
	for _, rr := range rrs {
		k := cacheKey{mdns.CanonicalName(rr.Header().Name), rr.Header().Rrtype}
		if _, ok := sets[k]; !ok {
			order = append(order, k)
		}
		sets[k] = append(sets[k], rr)
	}
	for _, k := range order {
		r.put(now, k, kind, sets[k], nil)
	}
}

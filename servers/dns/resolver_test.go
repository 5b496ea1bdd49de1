package dns

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	mdns "github.com/miekg/dns"
)

var ctx = context.Background()

func resolve(t *testing.T, r *Resolver, name string, qtype uint16) *mdns.Msg {
	t.Helper()
	m, err := r.Resolve(ctx, name, qtype)
	if err != nil {
		t.Fatalf("Resolve(%s %s): %v", name, mdns.TypeToString[qtype], err)
	}
	return m
}

func TestResolverWalkThenCache(t *testing.T) {
	w := newWorld(t)
	r := w.resolver
	m := resolve(t, r, "comentum.com", mdns.TypeMX)
	if len(m.Answer) != 2 || m.Answer[0].(*mdns.MX).Mx != "smtp.comentum.com." {
		t.Fatalf("MX answer %v", m.Answer)
	}
	if s := r.Stats(); s.Upstream != 2 || s.CacheHits != 0 {
		t.Errorf("first lookup: %+v, want 2 upstream queries (root, then ns.comentum.com)", s)
	}
	m = resolve(t, r, "Comentum.com.", mdns.TypeMX)
	if len(m.Answer) != 2 {
		t.Fatalf("cached MX answer %v", m.Answer)
	}
	if s := r.Stats(); s.Upstream != 2 || s.CacheHits != 1 {
		t.Errorf("second lookup: %+v, want no new upstream query and a cache hit", s)
	}
	// Another name in the zone starts at the cached zone cut.
	resolve(t, r, "smtp.comentum.com", mdns.TypeA)
	if s := r.Stats(); s.Upstream != 3 {
		t.Errorf("after smtp A: %d upstream queries, want 3 (straight to ns.comentum.com)", s.Upstream)
	}

	var got []string
	for _, e := range r.CacheEntries() {
		got = append(got, e.Name+" "+e.Type+" "+e.Kind+" "+e.TTL.String())
	}
	want := []string{
		"comentum.com. NS referral 48h0m0s",
		"comentum.com. MX answer 1h0m0s",
		"ns.comentum.com. A glue 48h0m0s",
		"smtp.comentum.com. A answer 1h0m0s",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("cache:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	w.env.Sleep(10 * time.Minute)
	if e := r.CacheEntries()[1]; e.TTL != 50*time.Minute || !strings.Contains(e.Records[0], "\t3000\t") {
		t.Errorf("after 10 minutes: %+v", e)
	}
}

func TestResolverTTLExpiry(t *testing.T) {
	w := newWorld(t)
	r := w.resolver
	resolve(t, r, "short.comentum.com", mdns.TypeA) // TTL 60
	w.env.Sleep(59 * time.Second)
	m := resolve(t, r, "short.comentum.com", mdns.TypeA)
	if s := r.Stats(); s.Upstream != 2 || m.Answer[0].Header().Ttl != 1 {
		t.Errorf("at 59s: %+v ttl %d, want a cache hit with 1s left", s, m.Answer[0].Header().Ttl)
	}
	w.env.Sleep(time.Second)
	m = resolve(t, r, "short.comentum.com", mdns.TypeA)
	if s := r.Stats(); s.Upstream != 3 || m.Answer[0].Header().Ttl != 60 {
		t.Errorf("at 60s: %+v ttl %d, want one new query to ns.comentum.com", s, m.Answer[0].Header().Ttl)
	}
}

func TestResolverNXDomain(t *testing.T) {
	w := newWorld(t)
	r := w.resolver
	m := resolve(t, r, "nosuch.comentum.com", mdns.TypeA)
	if m.Rcode != mdns.RcodeNameError || len(m.Ns) != 1 || m.Ns[0].Header().Rrtype != mdns.TypeSOA {
		t.Fatalf("want NXDOMAIN with SOA, got %s", m)
	}
	// Cached for every type of the name (RFC 2308 §5) for the SOA's 300s.
	m = resolve(t, r, "nosuch.comentum.com", mdns.TypeMX)
	if m.Rcode != mdns.RcodeNameError || r.Stats().Upstream != 2 {
		t.Errorf("negative cache: %s, %+v", rcodeName(m.Rcode), r.Stats())
	}
	m = resolve(t, r, "comentum.com", mdns.TypeAAAA)
	if m.Rcode != mdns.RcodeSuccess || len(m.Answer) != 0 || len(m.Ns) != 1 {
		t.Errorf("NODATA: %s", m)
	}
	resolve(t, r, "comentum.com", mdns.TypeAAAA)
	if r.Stats().Upstream != 3 {
		t.Errorf("NODATA not cached: %+v", r.Stats())
	}
	// The root itself says a TLD does not exist.
	if m := resolve(t, r, "nosuch.example", mdns.TypeA); m.Rcode != mdns.RcodeNameError {
		t.Errorf("nosuch.example: %s", rcodeName(m.Rcode))
	}
	w.env.Sleep(301 * time.Second)
	resolve(t, r, "nosuch.comentum.com", mdns.TypeA)
	if r.Stats().Upstream != 5 {
		t.Errorf("negative entry did not expire: %+v", r.Stats())
	}
}

func TestResolverCNAMEAcrossZones(t *testing.T) {
	w := newWorld(t)
	m := resolve(t, w.resolver, "webmail.comentum.com", mdns.TypeA)
	if len(m.Answer) != 2 || m.Answer[1].(*mdns.A).A.String() != "10.2.0.80" {
		t.Fatalf("webmail: %v", m.Answer)
	}
	// ns.comentum.com's own answer carried www.otherisp.com's address, but
	// it is out of its bailiwick: the resolver must ask ns.otherisp.com.
	if s := w.resolver.Stats(); s.Upstream != 4 {
		t.Errorf("%d upstream queries, want 4 (root, comentum, root, otherisp)", s.Upstream)
	}
}

func TestResolverTCPFallback(t *testing.T) {
	w := newWorld(t)
	m := resolve(t, w.resolver, "big.comentum.com", mdns.TypeTXT)
	if len(m.Answer) != 40 {
		t.Errorf("%d TXT records, want all 40 over TCP", len(m.Answer))
	}
}

func TestResolverGlueless(t *testing.T) {
	w := newWorld(t)
	// glueless.net is delegated to ns.otherisp.com, which does not serve it.
	_, err := w.resolver.Resolve(ctx, "www.glueless.net", mdns.TypeA)
	var rerr *RcodeError
	if !errors.As(err, &rerr) || rerr.Rcode != mdns.RcodeServerFailure || !strings.Contains(err.Error(), "lame") {
		t.Errorf("lame delegation: %v", err)
	}
	if _, err := w.resolver.Resolve(ctx, "ns.otherisp.com", mdns.TypeA); err != nil {
		t.Errorf("glueless walk left the resolver unable to resolve: %v", err)
	}
}

func TestResolverServfail(t *testing.T) {
	// A dead root: a port nobody listens on.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := netip.MustParseAddrPort(pc.LocalAddr().String())
	pc.Close()
	// A silent root: reads and never answers.
	silent, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	w := newWorld(t)
	for _, roots := range [][]netip.AddrPort{{dead}, {netip.MustParseAddrPort(silent.LocalAddr().String())}, nil} {
		r := &Resolver{Env: w.env, Roots: roots, Timeout: 200 * time.Millisecond}
		_, err := r.Resolve(ctx, "comentum.com", mdns.TypeMX)
		var rerr *RcodeError
		if !errors.As(err, &rerr) || rerr.Rcode != mdns.RcodeServerFailure {
			t.Errorf("roots %v: err %v, want SERVFAIL", roots, err)
		}
		reply := r.Answer(ctx, newQuery(7, "comentum.com.", mdns.TypeMX, true))
		if reply.Rcode != mdns.RcodeServerFailure || !reply.RecursionAvailable {
			t.Errorf("roots %v: reply %s", roots, rcodeName(reply.Rcode))
		}
	}
	// A dead second root is skipped for the live one.
	r := &Resolver{Env: w.env, Roots: []netip.AddrPort{dead, w.rootAddr}, Ports: w.resolver.Ports}
	resolve(t, r, "comentum.com", mdns.TypeMX)
}

func TestResolverSeesRecordChanges(t *testing.T) {
	w := newWorld(t)
	r := w.resolver
	if m := resolve(t, r, "pop2.comentum.com", mdns.TypeA); m.Rcode != mdns.RcodeNameError {
		t.Fatalf("pop2 before: %s", rcodeName(m.Rcode))
	}
	if err := w.comentum.AddRecord("comentum.com", Record{Name: "pop2", Type: "A", TTL: 30, Value: "10.1.0.111"}); err != nil {
		t.Fatal(err)
	}
	if m := resolve(t, r, "pop2.comentum.com", mdns.TypeA); m.Rcode != mdns.RcodeNameError {
		t.Errorf("the negative answer should still be cached")
	}
	w.env.Sleep(5 * time.Minute)
	if m := resolve(t, r, "pop2.comentum.com", mdns.TypeA); len(m.Answer) != 1 {
		t.Fatalf("added record after negative TTL: %s", m)
	}
	if n, err := w.comentum.RemoveRecord("comentum.com", Record{Name: "pop2", Type: "A"}); n != 1 || err != nil {
		t.Fatal(n, err)
	}
	w.env.Sleep(31 * time.Second)
	if m := resolve(t, r, "pop2.comentum.com", mdns.TypeA); m.Rcode != mdns.RcodeNameError {
		t.Errorf("removed record after its TTL: %s", m)
	}
}

func TestServerCombined(t *testing.T) {
	w := newWorld(t)
	zones := mustAuth(t, comentumZone())
	r := &Resolver{Env: w.env, Roots: []netip.AddrPort{w.rootAddr}, Ports: w.resolver.Ports}
	customers := netip.MustParsePrefix("10.1.0.0/16")
	s := NewServer(zones, r, customers.Contains)
	bob, stranger := netip.MustParseAddr("10.1.0.7"), netip.MustParseAddr("192.0.2.1")

	m := s.Answer(ctx, bob, newQuery(1, "comentum.com.", mdns.TypeMX, true))
	if !m.Authoritative || !m.RecursionAvailable || len(m.Answer) != 2 {
		t.Errorf("own zone: %s", m)
	}
	m = s.Answer(ctx, bob, newQuery(2, "smtp.otherisp.com.", mdns.TypeA, true))
	if m.Authoritative || !m.RecursionAvailable || len(m.Answer) != 1 {
		t.Errorf("recursion for a customer: %s", m)
	}
	if m = s.Answer(ctx, stranger, newQuery(3, "smtp.otherisp.com.", mdns.TypeA, true)); m.Rcode != mdns.RcodeRefused {
		t.Errorf("stranger got %s, want REFUSED", rcodeName(m.Rcode))
	}
	if m = s.Answer(ctx, stranger, newQuery(4, "pop.comentum.com.", mdns.TypeA, false)); len(m.Answer) != 1 {
		t.Errorf("stranger asking our zone: %s", m)
	}
	// Resolving through our own zones goes in process, not upstream, and
	// is not cached (the zone may change at any moment).
	up := r.Stats().Upstream
	resolve(t, r, "mail.comentum.com", mdns.TypeA)
	if r.Stats().Upstream != up || len(r.CacheEntries()) != 3 {
		t.Errorf("local zone lookup: %+v, cache %v", r.Stats(), r.CacheEntries())
	}
	// Without RD the resolver answers from its cache only.
	if m = r.Answer(ctx, newQuery(5, "smtp.otherisp.com.", mdns.TypeA, false)); len(m.Answer) != 1 {
		t.Errorf("cache snoop of a cached name: %s", m)
	}
	if m = r.Answer(ctx, newQuery(6, "www.otherisp.com.", mdns.TypeA, false)); m.Rcode != mdns.RcodeRefused {
		t.Errorf("cache snoop of an uncached name: %s", rcodeName(m.Rcode))
	}
}

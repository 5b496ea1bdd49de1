package dns

import (
	"sort"
	"time"
	"unsafe"

	mdns "github.com/miekg/dns"
)

// Cache limits: RFC 8767 §4 suggests capping positive TTLs at 7 days,
// RFC 2308 §5 negative ones at a few hours.
const (
	maxTTL         = 7 * 24 * 3600
	maxNegativeTTL = 3 * 3600
)

// Kinds of cache entry, by where the data came from (RFC 2181 §5.4.1
// ranks answers above referral data).
const (
	KindAnswer   = "answer"   // authoritative answer data
	KindNoData   = "nodata"   // the name exists without this type
	KindNXDomain = "nxdomain" // the name does not exist (any type)
	KindReferral = "referral" // NS records from a parent's referral
	KindGlue     = "glue"     // addresses from a referral's additional section
)

// typeNXDomain is the cache key type under which NXDOMAIN is kept, since
// it holds for every type of the name (RFC 2308 §5).
const typeNXDomain = 0

type cacheKey struct {
	name  string
	qtype uint16
}

// cacheEntry is what get returns: records of the caller's own, with
// their TTLs set to the time left.
type cacheEntry struct {
	kind    string
	rrs     []mdns.RR
	soa     []mdns.RR // the SOA of a negative answer
	expires time.Time
}

// cached is a stored entry: its records packed end to end in wire form,
// the SOA last. A load's resolvers hold tens of thousands of RRsets for
// the whole run; as Go values each record and name was an object of its
// own for the collector to mark (a third of a 1x load's live objects).
type cached struct {
	kind    string
	wire    []byte
	nrr     int // records before the SOA
	expires time.Time
}

func rank(kind string) int {
	if kind == KindReferral || kind == KindGlue {
		return 1
	}
	return 2
}

// CacheEntry is one cached RRset or negative answer, for an inspector.
type CacheEntry struct {
	Name    string
	Type    string        // "MX", "A", ... or "*" for an NXDOMAIN
	Kind    string        // KindAnswer, KindNoData, KindNXDomain, KindReferral, KindGlue
	TTL     time.Duration // time left, on the Env's clock
	Records []string      // the records with their remaining TTLs
}

// put stores an entry unless a live entry of higher rank is there.
// The caller holds r.mu.
func (r *Resolver) put(now time.Time, key cacheKey, kind string, rrs, soa []mdns.RR) {
	if now.IsZero() {
		return // not to be cached
	}
	if r.cache == nil {
		r.cache = map[cacheKey]cached{}
	}
	if old, ok := r.cache[key]; ok && old.expires.After(now) && rank(old.kind) > rank(kind) {
		return
	}
	var ttl uint32 = maxTTL
	limit := func(rrs []mdns.RR) {
		for _, rr := range rrs {
			t := rr.Header().Ttl
			if s, ok := rr.(*mdns.SOA); ok && s.Minttl < t {
				t = s.Minttl // RFC 2308 §5
			}
			if t < ttl {
				ttl = t
			}
		}
	}
	limit(rrs)
	limit(soa)
	if kind == KindNoData || kind == KindNXDomain {
		if ttl > maxNegativeTTL {
			ttl = maxNegativeTTL
		}
		if len(soa) == 0 {
			ttl = 0 // RFC 2308 §5: no SOA, no negative caching
		}
	}
	if ttl == 0 {
		delete(r.cache, key)
		return
	}
	buf, err := packRRs(key.name, rrs, soa)
	if err != nil {
		delete(r.cache, key) // not to be cached: it does not pack
		return
	}
	// The key's name shares the entry's bytes (never written again): one
	// object an entry, not two.
	if n := len(key.name); n > 0 {
		key.name = unsafe.String(&buf[0], n)
	}
	r.cache[key] = cached{kind: kind, wire: buf[len(key.name):], nrr: len(rrs), expires: now.Add(time.Duration(ttl) * time.Second)}
	// Expired entries go when looked up again; a resolver that asks for
	// ever new names would keep them all. A sweep once the puts since
	// the last one are half the cache (as many as survived it) keeps the
	// cache near its live size at constant cost per put.
	if r.puts++; r.puts >= max(64, len(r.cache)/2) {
		r.puts = 0
		for k, e := range r.cache {
			if !e.expires.After(now) {
				delete(r.cache, k)
			}
		}
	}
}

// get returns a live entry with its records' TTLs set to the time left,
// dropping it if it has expired. The caller holds r.mu.
func (r *Resolver) get(now time.Time, key cacheKey) (*cacheEntry, bool) {
	e, ok := r.cache[key]
	if !ok {
		return nil, false
	}
	left := e.expires.Sub(now)
	if left <= 0 {
		delete(r.cache, key)
		return nil, false
	}
	secs := uint32((left + time.Second - 1) / time.Second)
	var rrs []mdns.RR
	for off := 0; off < len(e.wire); {
		rr, next, err := mdns.UnpackRR(e.wire, off)
		if err != nil {
			delete(r.cache, key) // cannot be read back: asked for again
			return nil, false
		}
		rr.Header().Ttl = secs
		rrs = append(rrs, rr)
		off = next
	}
	out := &cacheEntry{kind: e.kind, expires: e.expires}
	if e.nrr > 0 {
		out.rrs = rrs[:e.nrr:e.nrr]
	}
	if len(rrs) > e.nrr {
		out.soa = rrs[e.nrr:]
	}
	return out, true
}

// packRRs returns prefix followed by rrs then soa packed end to end,
// uncompressed. PackRR sets each record's Rdlength, which nothing reads.
func packRRs(prefix string, rrs, soa []mdns.RR) ([]byte, error) {
	n := len(prefix) + 1 // miekg's packers of empty rdata (TXT, CAA) want a byte of room they do not use
	for _, set := range [2][]mdns.RR{rrs, soa} {
		for _, rr := range set {
			n += mdns.Len(rr)
		}
	}
	wire := make([]byte, n)
	off := copy(wire, prefix)
	for _, set := range [2][]mdns.RR{rrs, soa} {
		for _, rr := range set {
			var err error
			if off, err = mdns.PackRR(rr, wire, off, nil, false); err != nil {
				return nil, err
			}
		}
	}
	return wire[:off], nil
}

// CacheEntries lists the live cache, sorted by name then type, with the
// TTLs left at env.Now().
func (r *Resolver) CacheEntries() []CacheEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.Env.Now()
	keys := make([]cacheKey, 0, len(r.cache))
	for k := range r.cache {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].name != keys[j].name {
			return nameLess(keys[i].name, keys[j].name)
		}
		return keys[i].qtype < keys[j].qtype
	})
	var out []CacheEntry
	for _, k := range keys {
		e, ok := r.get(now, k)
		if !ok {
			continue
		}
		ce := CacheEntry{Name: k.name, Type: mdns.TypeToString[k.qtype], Kind: e.kind, TTL: e.expires.Sub(now)}
		if k.qtype == typeNXDomain {
			ce.Type = "*"
		}
		for _, rr := range append(e.rrs, e.soa...) {
			ce.Records = append(ce.Records, rr.String())
		}
		out = append(out, ce)
	}
	return out
}

// Flush empties the cache.
func (r *Resolver) Flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cache = nil
}

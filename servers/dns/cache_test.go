package dns

import (
	"fmt"
	"testing"
	"time"

	mdns "github.com/miekg/dns"
)

// TestCacheSweepsExpired checks that a resolver asking for ever new
// names keeps about as many entries as are alive, not all it ever saw.
func TestCacheSweepsExpired(t *testing.T) {
	r := &Resolver{}
	now := time.Date(2000, 1, 3, 9, 0, 0, 0, time.UTC)
	for i := range 10000 {
		name := fmt.Sprintf("host%d.example.", i)
		rr := &mdns.A{Hdr: mdns.RR_Header{Name: name, Rrtype: mdns.TypeA, Class: mdns.ClassINET, Ttl: 60}}
		r.put(now, cacheKey{name, mdns.TypeA}, KindAnswer, []mdns.RR{rr}, nil)
		now = now.Add(time.Second) // each entry lives 60 puts
	}
	if n := len(r.cache); n > 200 {
		t.Errorf("cache holds %d entries; about 60 are alive", n)
	}
	if _, ok := r.get(now.Add(-time.Second), cacheKey{"host9999.example.", mdns.TypeA}); !ok {
		t.Error("the newest entry is gone")
	}
}

// TestCacheReadsBackWhatItKept checks that entries, kept in wire form,
// come back as the records put in, with the time left as their TTL, and
// that changing what get returns leaves the cache as it was.
func TestCacheReadsBackWhatItKept(t *testing.T) {
	rrs := func(lines ...string) []mdns.RR {
		var out []mdns.RR
		for _, l := range lines {
			rr, err := mdns.NewRR(l)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, rr)
		}
		return out
	}
	soa := rrs("example.com. 300 IN SOA ns.example.com. hostmaster.example.com. 1 7200 900 1209600 60")
	for _, c := range []struct {
		key   cacheKey
		kind  string
		rrs   []mdns.RR
		soa   []mdns.RR
		want  []string
		wantS []string
	}{
		{cacheKey{"example.com.", mdns.TypeMX}, KindAnswer,
			rrs("example.com. 3600 IN MX 10 mail.example.com.", "example.com. 3600 IN MX 20 backup.example.net."), nil,
			[]string{"example.com.\t3590\tIN\tMX\t10 mail.example.com.", "example.com.\t3590\tIN\tMX\t20 backup.example.net."}, nil},
		{cacheKey{"mail.example.com.", mdns.TypeA}, KindGlue,
			rrs("mail.example.com. 600 IN A 192.0.2.25"), nil,
			[]string{"mail.example.com.\t590\tIN\tA\t192.0.2.25"}, nil},
		{cacheKey{"mail.example.com.", mdns.TypeAAAA}, KindAnswer,
			rrs("mail.example.com. 600 IN AAAA 2001:db8::25"), nil,
			[]string{"mail.example.com.\t590\tIN\tAAAA\t2001:db8::25"}, nil},
		{cacheKey{"example.com.", mdns.TypeTXT}, KindAnswer,
			rrs(`example.com. 600 IN TXT "v=spf1 mx -all" "second string"`), nil,
			[]string{"example.com.\t590\tIN\tTXT\t\"v=spf1 mx -all\" \"second string\""}, nil},
		{cacheKey{"nosuch.example.com.", typeNXDomain}, KindNXDomain, nil, soa,
			nil, []string{"example.com.\t50\tIN\tSOA\tns.example.com. hostmaster.example.com. 1 7200 900 1209600 60"}},
	} {
		r := &Resolver{}
		now := time.Date(2000, 1, 3, 9, 0, 0, 0, time.UTC)
		r.put(now, c.key, c.kind, c.rrs, c.soa)
		r.put(now, c.key, c.kind, c.rrs, c.soa) // again: the key is replaced
		for k := range r.cache {
			if k != c.key {
				t.Errorf("cached under %v, want %v", k, c.key)
			}
		}
		c.rrs = append(c.rrs, c.soa...)
		for _, rr := range c.rrs {
			rr.Header().Ttl = 1 // the caller's records are its own
		}
		for range 2 {
			e, ok := r.get(now.Add(10*time.Second), c.key)
			if !ok {
				t.Fatalf("%v: not cached", c.key)
			}
			if e.kind != c.kind {
				t.Errorf("%v: kind %q, want %q", c.key, e.kind, c.kind)
			}
			for i, got := range [][]mdns.RR{e.rrs, e.soa} {
				want := [][]string{c.want, c.wantS}[i]
				if len(got) != len(want) {
					t.Fatalf("%v: %d records, want %d: %v", c.key, len(got), len(want), got)
				}
				for k, rr := range got {
					if rr.String() != want[k] {
						t.Errorf("%v: got %q, want %q", c.key, rr.String(), want[k])
					}
					rr.Header().Ttl = 1 // must not reach the cache
				}
			}
		}
	}
}

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
	soa := func() []mdns.RR {
		return rrs("example.com. 300 IN SOA ns.example.com. hostmaster.example.com. 1 7200 900 1209600 60")
	}
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
		{cacheKey{"nosuch.example.com.", typeNXDomain}, KindNXDomain, nil, soa(),
			nil, []string{"example.com.\t50\tIN\tSOA\tns.example.com. hostmaster.example.com. 1 7200 900 1209600 60"}},
		// Empty rdata last, as a server may send it: packed with no byte
		// to spare, it was once not cached at all.
		{cacheKey{"example.com.", mdns.TypeTXT}, KindAnswer,
			[]mdns.RR{rrs(`example.com. 600 IN TXT "a"`)[0], &mdns.TXT{Hdr: mdns.RR_Header{Name: "example.com.", Rrtype: mdns.TypeTXT, Class: mdns.ClassINET, Ttl: 600}}}, nil,
			[]string{"example.com.\t590\tIN\tTXT\t\"a\"", "example.com.\t590\tIN\tTXT\t"}, nil},
		// Records and an SOA in one entry come back each in their place.
		{cacheKey{"example.com.", mdns.TypeA}, KindAnswer, rrs("example.com. 600 IN A 192.0.2.1"), soa(),
			[]string{"example.com.\t50\tIN\tA\t192.0.2.1"}, []string{"example.com.\t50\tIN\tSOA\tns.example.com. hostmaster.example.com. 1 7200 900 1209600 60"}},
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

// FuzzCacheRoundTrip puts the records of any message that unpacks into
// the cache and checks that get gives back the same records, all with
// the entry's time left as their TTL: nothing miekg can pack and read
// back is lost.
func FuzzCacheRoundTrip(f *testing.F) {
	for _, lines := range [][]string{
		{"example.com. 3600 IN MX 10 mail.example.com.", "example.com. 3600 IN MX 20 backup.example.net."},
		{"mail.example.com. 600 IN A 192.0.2.25", "mail.example.com. 600 IN AAAA 2001:db8::25"},
		{`example.com. 600 IN TXT "v=spf1 mx -all" ""`, "example.com. 300 IN SOA ns.example.com. hostmaster.example.com. 1 7200 900 1209600 60"},
		{"example.com. 600 IN NS ns.example.com.", "4.3.2.1.in-addr.arpa. 600 IN PTR host.example.com."},
	} {
		m := new(mdns.Msg)
		for _, l := range lines {
			rr, err := mdns.NewRR(l)
			if err != nil {
				f.Fatal(err)
			}
			m.Answer = append(m.Answer, rr)
		}
		b, err := m.Pack()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	empty := new(mdns.Msg) // empty rdata last
	empty.Answer = []mdns.RR{&mdns.TXT{Hdr: mdns.RR_Header{Name: "example.com.", Rrtype: mdns.TypeTXT, Class: mdns.ClassINET}, Txt: []string{"a"}},
		&mdns.TXT{Hdr: mdns.RR_Header{Name: "example.com.", Rrtype: mdns.TypeTXT, Class: mdns.ClassINET}}}
	b, err := empty.Pack()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		m := new(mdns.Msg)
		if m.Unpack(data) != nil || len(m.Answer) == 0 {
			return
		}
		want := make([]string, len(m.Answer))
		for i, rr := range m.Answer {
			// A record miekg cannot pack and read back (some malformed
			// DNSSEC ones) is not cached: asked for again, as if unseen.
			buf := make([]byte, 1<<16)
			if off, err := mdns.PackRR(rr, buf, 0, nil, false); err != nil {
				return
			} else if _, _, err := mdns.UnpackRR(buf[:off], 0); err != nil {
				return
			}
			c := mdns.Copy(rr)
			c.Header().Ttl = 0
			want[i] = c.String()
		}
		r := &Resolver{}
		now := time.Date(2000, 1, 3, 9, 0, 0, 0, time.UTC)
		key := cacheKey{"example.com.", mdns.TypeMX}
		var ttl uint32 = 3600
		for _, rr := range m.Answer {
			rr.Header().Ttl = 3600
			if s, ok := rr.(*mdns.SOA); ok && s.Minttl < ttl {
				ttl = s.Minttl // RFC 2308 §5, as put reads it
			}
		}
		r.put(now, key, KindAnswer, m.Answer, nil)
		e, ok := r.get(now, key)
		if !ok {
			if ttl > 0 {
				t.Fatalf("not cached: %v", m.Answer)
			}
			return
		}
		if len(e.rrs) != len(want) || e.soa != nil {
			t.Fatalf("%d records and %d SOA back, want %d", len(e.rrs), len(e.soa), len(want))
		}
		for i, rr := range e.rrs {
			if rr.Header().Ttl != ttl {
				t.Errorf("record %d: TTL %d, want %d", i, rr.Header().Ttl, ttl)
			}
			rr.Header().Ttl = 0
			if got := rr.String(); got != want[i] {
				t.Errorf("record %d: got %q, want %q", i, got, want[i])
			}
		}
	})
}

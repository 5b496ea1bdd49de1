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

package scenario

import (
	"testing"
	"time"
)

// TestDNSActionZones checks which zone and DNS host dns_add and dns_remove
// resolve to, forward and reverse (in-addr.arpa), and the records they carry.
func TestDNSActionZones(t *testing.T) {
	src := base + "  carl-pc: {isp: comentum, addr: 203.0.113.77}\n" + `timeline:
  - {at: 0s, dns_add: {name: 7.100.51.198.in-addr.arpa, type: PTR, value: lisa-pc.otherisp.com.}}
  - {at: 1s, dns_add: {name: 77.113.0.203.IN-ADDR.ARPA., type: ptr, value: carl-pc.comentum.com, ttl: 1m}}
  - {at: 2s, dns_remove: {name: 100.51.198.in-addr.arpa, type: NS}}
  - {at: 3s, dns_add: {name: _mail._tcp.comentum.com, type: PTR, value: smtp.comentum.com}}
  - {at: 4s, dns_add: {name: comentum.com, type: MX, value: smtp.otherisp.com, pref: 20}}
` + okExpect
	s := mustParse(t, src)
	want := []struct {
		zone, host string
		rec        Record
	}{
		{"100.51.198.in-addr.arpa", "ns.otherisp.com", Record{Name: "7.100.51.198.in-addr.arpa", Type: "PTR", Value: "lisa-pc.otherisp.com.", TTL: DefaultTTL}},
		{"113.0.203.in-addr.arpa", "ns.comentum.com", Record{Name: "77.113.0.203.in-addr.arpa", Type: "PTR", Value: "carl-pc.comentum.com", TTL: time.Minute}},
		{"100.51.198.in-addr.arpa", "ns.otherisp.com", Record{Name: "100.51.198.in-addr.arpa", Type: "NS", TTL: DefaultTTL}},
		{"comentum.com", "ns.comentum.com", Record{Name: "_mail._tcp.comentum.com", Type: "PTR", Value: "smtp.comentum.com", TTL: DefaultTTL}},
		{"comentum.com", "ns.comentum.com", Record{Name: "comentum.com", Type: "MX", Value: "smtp.otherisp.com", Pref: 20, TTL: DefaultTTL}},
	}
	if len(s.Timeline) != len(want) {
		t.Fatalf("got %d actions, want %d", len(s.Timeline), len(want))
	}
	for i, w := range want {
		a := s.Timeline[i]
		if a.Zone != w.zone || a.Host != w.host || a.Record == nil || *a.Record != w.rec {
			t.Errorf("action %d: zone %q host %q record %+v; want %q %q %+v", i, a.Zone, a.Host, a.Record, w.zone, w.host, w.rec)
		}
	}
}

// TestReverseZone checks the parsing of in-addr.arpa names.
func TestReverseZone(t *testing.T) {
	tests := []struct {
		name, prefix, zone string
		ok                 bool
	}{
		{"7.100.51.198.in-addr.arpa", "198.51.100.0/24", "100.51.198.in-addr.arpa", true},
		{"100.51.198.in-addr.arpa", "198.51.100.0/24", "100.51.198.in-addr.arpa", true},
		{"x.0.0.10.in-addr.arpa", "10.0.0.0/24", "0.0.10.in-addr.arpa", true},
		{"51.198.in-addr.arpa", "", "", false},
		{"7.100.51.256.in-addr.arpa", "", "", false},
		{"7.100.051.198.in-addr.arpa", "", "", false},
		{"7.100.51.198.in-addr.arpa.example", "", "", false},
		{"in-addr.arpa", "", "", false},
	}
	for _, tc := range tests {
		p, zone, ok := reverseZone(tc.name)
		if ok != tc.ok || (ok && (p.String() != tc.prefix || zone != tc.zone)) {
			t.Errorf("reverseZone(%q) = %v, %q, %v; want %s, %q, %v", tc.name, p, zone, ok, tc.prefix, tc.zone, tc.ok)
		}
	}
}

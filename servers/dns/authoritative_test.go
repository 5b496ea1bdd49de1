package dns

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	mdns "github.com/miekg/dns"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file; got:\n%s", path, got)
	}
}

func query(name string, qtype uint16) *mdns.Msg {
	return newQuery(4242, mdns.Fqdn(name), qtype, false)
}

func TestAuthoritativeAnswers(t *testing.T) {
	a := mustAuth(t, comentumZone(), otherZone())
	notify := query("comentum.com", mdns.TypeSOA)
	notify.Opcode = mdns.OpcodeNotify
	two := query("comentum.com", mdns.TypeMX)
	two.Question = append(two.Question, two.Question[0])
	chaos := query("version.bind", mdns.TypeTXT)
	chaos.Question[0].Qclass = mdns.ClassCHAOS
	badvers := query("comentum.com", mdns.TypeMX)
	badvers.IsEdns0().SetVersion(1)

	tests := []struct {
		name    string
		req     *mdns.Msg
		rcode   int
		aa      bool
		answers int
		ns      int
	}{
		{"mx", query("comentum.com", mdns.TypeMX), mdns.RcodeSuccess, true, 2, 0},
		{"a", query("SMTP.Comentum.COM", mdns.TypeA), mdns.RcodeSuccess, true, 1, 0},
		{"nxdomain", query("nosuch.comentum.com", mdns.TypeA), mdns.RcodeNameError, true, 0, 1},
		{"nodata", query("comentum.com", mdns.TypeAAAA), mdns.RcodeSuccess, true, 0, 1},
		{"empty non-terminal", query("deep.sub.comentum.com", mdns.TypeA), mdns.RcodeSuccess, true, 0, 1},
		{"cname in zone", query("mail.comentum.com", mdns.TypeA), mdns.RcodeSuccess, true, 2, 0},
		{"cname across zones served", query("webmail.comentum.com", mdns.TypeA), mdns.RcodeSuccess, true, 2, 0},
		{"cname itself", query("mail.comentum.com", mdns.TypeCNAME), mdns.RcodeSuccess, true, 1, 0},
		{"referral", query("x.lab.comentum.com", mdns.TypeA), mdns.RcodeSuccess, false, 0, 1},
		{"referral at cut", query("lab.comentum.com", mdns.TypeNS), mdns.RcodeSuccess, false, 0, 1},
		{"any", query("smtp.comentum.com", mdns.TypeANY), mdns.RcodeSuccess, true, 1, 0},
		{"not ours", query("example.org", mdns.TypeA), mdns.RcodeRefused, false, 0, 0},
		{"axfr", query("comentum.com", mdns.TypeAXFR), mdns.RcodeRefused, false, 0, 0},
		{"notify", notify, mdns.RcodeNotImplemented, false, 0, 0},
		{"two questions", two, mdns.RcodeFormatError, false, 0, 0},
		{"chaos class", chaos, mdns.RcodeRefused, false, 0, 0},
		{"edns version 1", badvers, mdns.RcodeBadVers, false, 0, 0},
	}
	var out strings.Builder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := a.Answer(tt.req)
			if m.Rcode != tt.rcode || m.Authoritative != tt.aa || len(m.Answer) != tt.answers || len(m.Ns) != tt.ns {
				t.Errorf("rcode %s aa %v answers %d ns %d; want %s %v %d %d\n%s",
					rcodeName(m.Rcode), m.Authoritative, len(m.Answer), len(m.Ns),
					rcodeName(tt.rcode), tt.aa, tt.answers, tt.ns, m)
			}
			if m.Id != tt.req.Id || !m.Response {
				t.Errorf("reply id %d response %v", m.Id, m.Response)
			}
			if _, err := m.Pack(); err != nil {
				t.Errorf("reply does not pack: %v", err)
			}
			out.WriteString("== " + tt.name + "\n" + m.String() + "\n")
		})
	}
	golden(t, "authoritative.golden", out.String())
}

func TestAuthoritativeNegativeTTL(t *testing.T) {
	z := comentumZone()
	z.TTL, z.Minimum = 3600, 120
	a := mustAuth(t, z)
	m := a.Answer(query("nosuch.comentum.com", mdns.TypeA))
	if got := m.Ns[0].Header().Ttl; got != 120 {
		t.Errorf("negative SOA TTL %d, want min(TTL, MINIMUM)=120 (RFC 2308 §3)", got)
	}
}

func TestRecordsAddRemove(t *testing.T) {
	a := mustAuth(t, otherZone())
	serial := func() uint32 { return a.Answer(query("otherisp.com", mdns.TypeSOA)).Answer[0].(*mdns.SOA).Serial }
	s0 := serial()
	if err := a.AddRecord("otherisp.com", Record{Name: "pop", Type: "A", Value: "10.2.0.110"}); err != nil {
		t.Fatal(err)
	}
	if err := a.AddRecord("", Record{Name: "lisa.otherisp.com.", Type: "MX", Value: "5 smtp"}); err == nil {
		// "smtp" is relative to the zone found for the owner.
		if m := a.Answer(query("lisa.otherisp.com", mdns.TypeMX)); len(m.Answer) != 1 ||
			m.Answer[0].(*mdns.MX).Mx != "smtp.otherisp.com." {
			t.Errorf("MX added with zone \"\": %v", m.Answer)
		}
	} else {
		t.Fatal(err)
	}
	if m := a.Answer(query("pop.otherisp.com", mdns.TypeA)); len(m.Answer) != 1 {
		t.Fatalf("added record not served: %s", m)
	}
	if serial() != s0+2 {
		t.Errorf("serial %d after two edits, want %d", serial(), s0+2)
	}
	for _, bad := range []struct {
		zone string
		r    Record
	}{
		{"example.org", Record{Name: "x", Type: "A", Value: "1.2.3.4"}},
		{"otherisp.com", Record{Name: "x", Type: "A", Value: "not-an-ip"}},
		{"otherisp.com", Record{Name: "x", Type: "BOGUS", Value: "1"}},
		{"otherisp.com", Record{Name: "x.example.org.", Type: "A", Value: "1.2.3.4"}},
		{"", Record{Name: "nowhere.example.", Type: "A", Value: "1.2.3.4"}},
	} {
		if err := a.AddRecord(bad.zone, bad.r); err == nil {
			t.Errorf("AddRecord(%q, %v) succeeded", bad.zone, bad.r)
		}
	}

	var list []string
	for _, r := range a.Records() {
		list = append(list, r.String())
	}
	golden(t, "records.golden", strings.Join(list, "\n")+"\n")

	if n, err := a.RemoveRecord("otherisp.com", Record{Name: "pop", Type: "A", Value: "10.2.0.111"}); err != nil || n != 0 {
		t.Errorf("removing a value not there: %d, %v", n, err)
	}
	if n, err := a.RemoveRecord("otherisp.com", Record{Name: "pop", Type: "A"}); err != nil || n != 1 {
		t.Errorf("RemoveRecord: %d, %v", n, err)
	}
	if m := a.Answer(query("pop.otherisp.com", mdns.TypeA)); m.Rcode != mdns.RcodeNameError {
		t.Errorf("removed name still answers %s", rcodeName(m.Rcode))
	}
	if _, err := a.RemoveRecord("otherisp.com", Record{Name: "@", Type: "SOA"}); err == nil {
		t.Error("removing the SOA succeeded")
	}
}

func TestZoneHelpers(t *testing.T) {
	hosts := []Host{{Name: "smtp", Addr: netipMust("10.1.0.25")}, {Name: "pop", Addr: netipMust("10.1.0.110")},
		{Name: "gw", Addr: netipMust("10.1.7.1")}}
	rev := ReverseZones("comentum.com", hosts)
	if len(rev) != 2 || rev[0].Origin != "0.1.10.in-addr.arpa." || rev[1].Origin != "7.1.10.in-addr.arpa." {
		t.Fatalf("reverse zones %+v", rev)
	}
	a := mustAuth(t, append(rev, ISPZone("comentum.com", hosts))...)
	m := a.Answer(query("25.0.1.10.in-addr.arpa", mdns.TypePTR))
	if len(m.Answer) != 1 || m.Answer[0].(*mdns.PTR).Ptr != "smtp.comentum.com." {
		t.Errorf("PTR: %s", m)
	}
	if _, err := NewAuthoritative(Zone{Origin: ""}); err == nil {
		t.Error("zone without origin accepted")
	}
}

package scenario

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"
	"unsafe"
)

func mustParse(t *testing.T, src string) *Scenario {
	t.Helper()
	s, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatalf("parse:\n%v", err)
	}
	return s
}

// TestAddressPlan checks the documented default address plan.
func TestAddressPlan(t *testing.T) {
	var b strings.Builder
	b.WriteString("isps:\n")
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&b, "  isp%d: {domain: isp%d.example, users: {u: p}}\n", i, i)
	}
	b.WriteString("hosts:\n")
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&b, "  pc%d: {user: u@isp0.example}\n", i)
	}
	b.WriteString(okExpect[:8] + "  - {downloaded: pc0}\n")
	s := mustParse(t, b.String())
	want := map[string]string{
		"internet": "192.0.2.1", "root-dns": "192.0.2.53",
		"isp0-router": "198.51.100.1", "smtp.isp0.example": "198.51.100.25",
		"ns.isp0.example": "198.51.100.53", "pop3.isp0.example": "198.51.100.110",
		"isp1-router": "203.0.113.1", "isp2-router": "198.18.0.1", "isp4-router": "198.18.2.1",
		"pc0": "198.51.100.100", "pc9": "198.51.100.109", "pc10": "198.51.100.111",
	}
	for name, addr := range want {
		if h := s.Host(name); h == nil || h.Addr.String() != addr {
			t.Errorf("%s: got %+v, want %s", name, h, addr)
		}
	}
	if isp := s.ISP("isp3"); isp.Prefix.String() != "198.18.1.0/24" || isp.Server(LMTP) != "pop3.isp3.example" || isp.Server(SMTP) != "smtp.isp3.example" || isp.Server(Submission) != "smtp.isp3.example" {
		t.Errorf("isp3 = %+v", isp)
	}
	if s.Until != DefaultUntil || s.Seed != 1 || !s.Epoch.Equal(DefaultEpoch) {
		t.Errorf("run defaults: until %v seed %d epoch %v", s.Until, s.Seed, s.Epoch)
	}
	const all = 2 + 512 + 65536
	seen := map[netip.Prefix]bool{}
	for i := 0; i < all; i++ {
		p, ok := defaultPrefix(i)
		if !ok {
			t.Fatalf("prefix %d missing", i)
		}
		if seen[p] || p.Bits() != 24 || p.Overlaps(InternetPrefix) {
			t.Fatalf("prefix %d is %s: repeated, not a /24, or the Internet side", i, p)
		}
		seen[p] = true
	}
	for i, want := range map[int]string{513: "198.19.255.0/24", 514: "10.0.0.0/24", 515: "10.0.1.0/24", all - 1: "10.255.255.0/24"} {
		if p, _ := defaultPrefix(i); p.String() != want {
			t.Errorf("prefix %d is %s, want %s", i, p, want)
		}
	}
	if _, ok := defaultPrefix(all); ok {
		t.Fatalf("prefix %d should not exist", all)
	}
}

// TestOverrides checks that explicit values win over every default.
func TestOverrides(t *testing.T) {
	s := mustParse(t, `seed: 42
epoch: 2024-05-01T12:00:00Z
defaults: {access: {latency: 40ms}}
internet:
  routers: {east: {addr: 192.0.2.9}}
  links:
    - {a: east, b: internet, latency: 15ms}
    - {a: comentum-router, b: internet, bandwidth: 10Mbit}
  root_dns: {addr: 192.0.2.200}
isps:
  comentum:
    domains: [comentum.com, {name: hiscompany.com, mx: none}]
    prefix: 10.1.0.0/16
    uplink: {to: east, latency: 3ms}
    servers:
      mail.comentum.com: [smtp, pop3]
      ns.comentum.com: {services: [dns], addr: 10.1.0.2}
    users:
      bob: {password: pw}
      bob@hiscompany.com: pw2
  other: &o {domain: other.net, users: {lisa: x}}
  third: {<<: *o, domain: third.net}
hosts:
  bob-pc: {user: bob@comentum.com, isp: other, leave_on_server: yes, auth: plain, addr: 198.51.100.7, link: {bandwidth: 56kbit}}
  lisa-pc: {user: lisa@other.net, password: wrong, pop3: mail.comentum.com}
timeline:
  - {at: 1m, stop: smtp.other.net}
  - {at: 0s, dns_add: {name: www.hiscompany.com, type: A, value: 10.1.0.80}}
  - {at: 2s, link_down: {a: east, b: internet}}
expect:
  - {mailbox: {of: bob@hiscompany.com, count: 1}}
  - {pop3_reply: {reply: -ERR, server: mail.comentum.com, client: lisa-pc}, after: 5s, by: 20m}
`)
	c := s.ISP("comentum")
	if c.Server(SMTP) != "mail.comentum.com" || c.Server(POP3) != "mail.comentum.com" || c.Server(LMTP) != "" || c.Server(DNS) != "ns.comentum.com" {
		t.Errorf("servers: %+v", c)
	}
	if got := s.Host("mail.comentum.com").Addr.String(); got != "10.1.0.25" {
		t.Errorf("mail host at %s", got)
	}
	if len(c.Users) != 2 || c.Users[0].Login != "bob" || len(c.Users[0].Addresses) != 1 || c.Users[1].Addresses[0] != "bob@hiscompany.com" {
		t.Errorf("users: %+v", c.Users)
	}
	for _, r := range c.Domains[1].Zone {
		if r.Type == "MX" {
			t.Errorf("mx: none still has %v", r)
		}
	}
	link := func(a, b string) Link {
		for _, l := range s.Links {
			if pairKey(l.A, l.B) == pairKey(a, b) {
				return l
			}
		}
		t.Fatalf("no link %s-%s", a, b)
		return Link{}
	}
	if l := link("comentum-router", "east"); l.Latency != 3*time.Millisecond || l.Bandwidth != 1e9 {
		t.Errorf("uplink %+v", l)
	}
	if l := link("comentum-router", "internet"); l.Bandwidth != 10e6 || l.Latency != 10*time.Millisecond {
		t.Errorf("explicit link %+v", l)
	}
	if l := link("bob-pc", "other-router"); l.Latency != 40*time.Millisecond || l.Bandwidth != 56e3 {
		t.Errorf("access link %+v", l)
	}
	bob, lisa := s.PC("bob-pc"), s.PC("lisa-pc")
	if bob.ISP != "other" || bob.MailISP != "comentum" || bob.SMTP != "smtp.other.net" || bob.POP3 != "mail.comentum.com" || !bob.LeaveOnServer || bob.Auth != AuthPlain || bob.Password != "pw" {
		t.Errorf("bob-pc %+v", bob)
	}
	if lisa.Password != "wrong" || lisa.POP3 != "mail.comentum.com" {
		t.Errorf("lisa-pc %+v", lisa)
	}
	if s.ISP("third").Domains[0].Name != "third.net" || s.Seed != 42 || s.Epoch.Year() != 2024 || s.Root.Addr.String() != "192.0.2.200" {
		t.Errorf("merge/seed/epoch/root wrong")
	}
	if s.Timeline[0].Kind != ActDNSAdd || s.Timeline[0].Zone != "hiscompany.com" || s.Timeline[0].Host != "ns.comentum.com" ||
		s.Timeline[2].Kind != ActStop || s.Timeline[2].Services[0] != SMTP {
		t.Errorf("timeline %+v", s.Timeline)
	}
	if s.Until != 21*time.Minute || s.Expect[0].At != s.Until || s.Expect[1].After != 5*time.Second {
		t.Errorf("until %v, expect %+v", s.Until, s.Expect)
	}
	if isp, login, ok := s.Mailbox("bob@HISCOMPANY.com"); !ok || isp != "comentum" || login != "bob@hiscompany.com" {
		t.Errorf("Mailbox = %s %s %v", isp, login, ok)
	}
}

// TestAliasBomb checks that aliases cannot make the loader walk an
// unbounded number of values.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("x: &to [")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&b, "a%d@x.com, ", i)
	}
	b.WriteString("]\nisps: {x: {domain: x.com, users: {u: p}}}\nhosts: {pc: {user: u@x.com}}\n")
	b.WriteString("y: &send {at: 0s, send: {from: u@x.com, to: *to}}\ntimeline: [")
	for i := 0; i < 1100; i++ {
		b.WriteString("*send, ")
	}
	b.WriteString("]\nexpect: [{downloaded: pc}]\n")
	_, err := Parse("bomb.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "expands to more than") {
		t.Fatalf("got %.300v", err)
	}
}

// TestSelfMerge checks that an anchor merging itself is an error, not a hang.
func TestSelfMerge(t *testing.T) {
	_, err := Parse("m.yaml", []byte("isps: {x: &a {<<: *a}}\n"))
	if err == nil || !strings.Contains(err.Error(), "merge keys (<<) nest more than") {
		t.Fatalf("got %v", err)
	}
}

func TestNormAddr(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"bob@comentum.com", "bob@comentum.com"},
		{"Bob@Comentum.COM", "Bob@comentum.com"},
		{"bob@ÉCOLE.example", "bob@école.example"},
		{"a@b@C.example", "a@b@c.example"},
		{"postmaster", "postmaster"},
	} {
		if got := normAddr(c.in); got != c.want {
			t.Errorf("normAddr(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	var got string
	if n := testing.AllocsPerRun(100, func() { got = normAddr("bob@comentum.com") }); n != 0 || got != "bob@comentum.com" {
		t.Errorf("an address already in normal form costs %v allocations", n)
	}
}

// TestAddressesInterned checks that the addresses of a timeline are kept
// once each, not once per action: a load names each one many times.
func TestAddressesInterned(t *testing.T) {
	s, err := Load("../../scenarios/classroom.yaml")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]*byte{}
	n := 0
	for _, a := range s.Timeline {
		if a.Mail == nil {
			continue
		}
		for _, addr := range append([]string{a.Mail.From}, a.Mail.To...) {
			n++
			if p, ok := seen[addr]; !ok {
				seen[addr] = unsafe.StringData(addr)
			} else if p != unsafe.StringData(addr) {
				t.Fatalf("%s: a second copy of %s", a.Pos, addr)
			}
		}
	}
	if n <= len(seen) {
		t.Fatalf("%d addresses, %d distinct: the test shows nothing", n, len(seen))
	}
}

package smtp

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"mailsim/servers/env"
	"mailsim/servers/store"
)

// memResolver is an in-memory DNS for tests: MX and A records, and names
// whose lookups fail temporarily.
type memResolver struct {
	mu    sync.Mutex
	mx    map[string][]*net.MX
	hosts map[string][]string
	temp  map[string]bool
	errs  map[string]error // names whose lookups fail with this error
}

var _ Resolver = (*memResolver)(nil)

func newResolver() *memResolver {
	return &memResolver{mx: map[string][]*net.MX{}, hosts: map[string][]string{}, temp: map[string]bool{}}
}

func (r *memResolver) addMX(domain, host string, pref uint16) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mx[domain] = append(r.mx[domain], &net.MX{Host: host + ".", Pref: pref})
}

func (r *memResolver) addHost(host string, ips ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hosts[host] = append(r.hosts[host], ips...)
}

func (r *memResolver) LookupMX(_ context.Context, domain string) ([]*net.MX, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.errs[domain]; err != nil {
		return nil, err
	}
	if r.temp[domain] {
		return nil, &net.DNSError{Err: "server misbehaving", Name: domain, IsTemporary: true}
	}
	if mx, ok := r.mx[domain]; ok {
		return mx, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: domain, IsNotFound: true}
}

func (r *memResolver) LookupHost(_ context.Context, host string) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.errs[host]; err != nil {
		return nil, err
	}
	if r.temp[host] {
		return nil, &net.DNSError{Err: "server misbehaving", Name: host, IsTemporary: true}
	}
	if ips, ok := r.hosts[host]; ok {
		return ips, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// world is the DNS of the story: otherisp.com and comentum.com, plus
// names that exercise the sender checks.
func world() *memResolver {
	r := newResolver()
	r.addMX("otherisp.com", "smtp.otherisp.com", 10)
	r.addHost("smtp.otherisp.com", "127.0.0.1")
	r.addMX("comentum.com", "smtp.comentum.com", 10)
	r.addMX("hiscompany.com", "smtp.comentum.com", 10)
	r.addHost("smtp.comentum.com", "127.0.0.1")
	r.addHost("hostonly.example", "192.0.2.7")
	r.mx["nullmx.example"] = []*net.MX{{Host: ".", Pref: 0}}
	r.temp["tempfail.example"] = true
	return r
}

// syncBuffer collects notes from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// comentumConfig is Comentum's server: comentum.com and the hosted
// hiscompany.com, with bob and carol. Loopback is not its local network,
// so test clients are outsiders unless a test says otherwise.
func comentumConfig(e env.Env, st *store.Store, r Resolver) Config {
	return Config{
		Hostname: "smtp.comentum.com",
		Domains:  []string{"comentum.com", "HisCompany.com"},
		Mailboxes: map[string]string{
			"bob@comentum.com":   "bob",
			"bob@hiscompany.com": "bob",
			"carol@comentum.com": "carol",
		},
		LocalNets: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")},
		Store:     st,
		Resolver:  r,
		Env:       e,
	}
}

func comentumStore() *store.Store {
	st := store.New()
	st.AddUser("bob", "bobpw")
	st.AddUser("carol", "carolpw")
	return st
}

// otherispConfig is Lisa's ISP; loopback is its local network, so test
// clients play Lisa's PC.
func otherispConfig(e env.Env, st *store.Store, r Resolver) Config {
	return Config{
		Hostname:  "smtp.otherisp.com",
		Domains:   []string{"otherisp.com"},
		Mailboxes: map[string]string{"lisa@otherisp.com": "lisa"},
		LocalNets: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		Store:     st,
		Resolver:  r,
		Env:       e,
	}
}

func otherispStore() *store.Store {
	st := store.New()
	st.AddUser("lisa", "lisapw")
	return st
}

// listen opens a loopback listener.
func listen(t testing.TB, addr string) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// start serves s on a fresh loopback port and returns its address.
func start(t testing.TB, s *Server) string {
	t.Helper()
	return startOn(t, s, listen(t, "127.0.0.1:0"))
}

func startOn(t testing.TB, s *Server, l net.Listener) string {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	t.Cleanup(func() {
		s.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return l.Addr().String()
}

func portOf(t testing.TB, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return n
}

func mustNew(t testing.TB, cfg Config) *Server {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// dialog is a raw SMTP conversation, for exact reply codes.
type dialog struct {
	t testing.TB
	c net.Conn
	r *bufio.Reader
}

func dial(t testing.TB, addr string) *dialog {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	d := &dialog{t: t, c: c, r: bufio.NewReader(c)}
	if code, text := d.read(); code != 220 {
		t.Fatalf("greeting: %d %s", code, text)
	}
	return d
}

// read reads one (possibly multi-line) reply; code 0 means the
// connection ended.
func (d *dialog) read() (int, string) {
	d.t.Helper()
	d.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var lines []string
	for {
		line, err := d.r.ReadString('\n')
		if err != nil {
			return 0, strings.Join(lines, "\n")
		}
		line = strings.TrimRight(line, "\r\n")
		if len(line) < 4 {
			d.t.Fatalf("short reply line %q", line)
		}
		lines = append(lines, line[4:])
		if line[3] == ' ' {
			code, _ := strconv.Atoi(line[:3])
			return code, strings.Join(lines, "\n")
		}
	}
}

// send writes raw bytes.
func (d *dialog) send(s string) {
	d.t.Helper()
	if _, err := d.c.Write([]byte(s)); err != nil {
		d.t.Fatal(err)
	}
}

// cmd sends a line and reads the reply.
func (d *dialog) cmd(line string) (int, string) {
	d.t.Helper()
	d.send(line + "\r\n")
	return d.read()
}

// expect sends a line and checks the reply code and text.
func (d *dialog) expect(line string, code int, text string) {
	d.t.Helper()
	got, msg := d.cmd(line)
	if got != code || !strings.Contains(msg, text) {
		d.t.Fatalf("%q: got %d %q, want %d containing %q", line, got, msg, code, text)
	}
}

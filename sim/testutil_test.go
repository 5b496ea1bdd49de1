package sim

import (
	"net"
	"net/netip"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"mailsim/servers/env"
)

// twoISPs builds client — r1 — r2 — server: two hosts separated by two
// routers, as in the seed story.
func twoISPs(t testing.TB, seed int64) (*World, *Host, *Host) {
	t.Helper()
	w := New(Config{Seed: seed})
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.AddRouter("r1"))
	must(w.AddRouter("r2"))
	a, err := w.AddHost("client", netip.MustParseAddr("198.51.100.10"))
	must(err)
	b, err := w.AddHost("server", netip.MustParseAddr("203.0.113.25"))
	must(err)
	_, err = w.Connect("client", "r1", time.Millisecond, 100_000_000)
	must(err)
	_, err = w.Connect("r1", "r2", 20*time.Millisecond, 1_000_000_000)
	must(err)
	_, err = w.Connect("r2", "server", time.Millisecond, 100_000_000)
	must(err)
	must(w.Build())
	return w, a, b
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

// goSMTPClient is a go-smtp client over conn, a conn of h, wrapped as
// the servers wrap theirs: go-smtp's wall-clock deadlines become virtual.
func goSMTPClient(h *Host, conn net.Conn) *gosmtp.Client {
	c := gosmtp.NewClient(env.WallClockConn(h, conn, 5*time.Minute, 12*time.Minute))
	c.CommandTimeout, c.SubmissionTimeout = 5*time.Minute, 12*time.Minute
	return c
}

package sim

import (
	"context"
	"io"
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

// transfer sends msg over TCP from a to port 25 of b, which reads it all,
// and returns what b received ("" if nothing).
func transfer(t *testing.T, w *World, a, b *Host, msg string) string {
	t.Helper()
	l, err := b.Listen("tcp", ":25")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	b.Go("server", func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		data, _ := io.ReadAll(c)
		got <- string(data)
		c.Close()
	})
	run(t, w, a, func() {
		c, err := a.Dial(context.Background(), "tcp", b.Addr().String()+":25")
		if err != nil {
			t.Error(err)
			return
		}
		c.Write([]byte(msg))
		c.Close()
	})
	select {
	case s := <-got:
		return s
	default:
		return ""
	}
}

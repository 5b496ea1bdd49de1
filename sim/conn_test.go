package sim

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRoute(t *testing.T) {
	w, _, _ := twoISPs(t, 1)
	got := strings.Join(w.Route("client", "server"), " ")
	if want := "client r1 r2 server"; got != want {
		t.Fatalf("route = %q, want %q", got, want)
	}
	// A shorter path through a new router wins; taking it down restores the old one.
	w.AddRouter("r3")
	w.Connect("r1", "r3", time.Millisecond, 0)
	l, _ := w.Connect("r3", "r2", time.Millisecond, 0)
	if got := strings.Join(w.Route("client", "server"), " "); got != "client r1 r3 r2 server" {
		t.Fatalf("route = %q", got)
	}
	w.SetLinkUp(l, false)
	if got := strings.Join(w.Route("client", "server"), " "); got != "client r1 r2 server" {
		t.Fatalf("route after link down = %q", got)
	}
}

func TestTopologyErrors(t *testing.T) {
	w := New(Config{})
	w.AddRouter("r1")
	if _, err := w.AddHost("r1", mustAddr("192.0.2.1")); err == nil || !strings.Contains(err.Error(), `"r1"`) {
		t.Errorf("duplicate name: %v", err)
	}
	w.AddHost("a", mustAddr("192.0.2.1"))
	if _, err := w.AddHost("b", mustAddr("192.0.2.1")); err == nil || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("duplicate address: %v", err)
	}
	if _, err := w.Connect("a", "nowhere", 0, 0); err == nil || !strings.Contains(err.Error(), `unknown node "nowhere"`) {
		t.Errorf("unknown node: %v", err)
	}
	w.Connect("a", "r1", 0, 0)
	w.AddHost("island", mustAddr("192.0.2.9"))
	err := w.Build()
	var te *TopologyError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), `"island"`) {
		t.Errorf("unreachable host: %v", err)
	}
}

// run starts fn as a simulated goroutine on h and runs the world until
// nothing is left to do.
func run(t *testing.T, w *World, h *Host, fn func()) {
	t.Helper()
	h.Go("test", fn)
	if err := w.RunUntil(time.Hour); err != nil {
		t.Fatal(err)
	}
}

func TestRefused(t *testing.T) {
	w, a, b := twoISPs(t, 1)
	var err error
	run(t, w, a, func() { _, err = a.Dial(context.Background(), "tcp", b.Addr().String()+":25") })
	var op *net.OpError
	if !errors.As(err, &op) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial to closed port: %v, want *net.OpError with ECONNREFUSED", err)
	}
	run(t, w, a, func() { _, err = a.Dial(context.Background(), "tcp", "192.0.2.99:25") })
	if !errors.Is(err, syscall.EHOSTUNREACH) {
		t.Fatalf("dial to unknown address: %v, want EHOSTUNREACH", err)
	}
}

func TestConnSemantics(t *testing.T) {
	w, a, b := twoISPs(t, 1)
	ln, err := b.Listen("tcp", ":7")
	if err != nil {
		t.Fatal(err)
	}
	var (
		remote, local string
		reads         []string
		eof           error
		timeout       error
		closedRead    error
		elapsed       time.Duration
	)
	b.Go("server", func() {
		c, err := ln.Accept()
		if err != nil {
			t.Error(err)
			return
		}
		remote = c.RemoteAddr().String()
		c.Write([]byte("hello, "))
		c.Write([]byte("world"))
		c.Close()
		// Second conn: the client closes while we are blocked reading.
		c2, _ := ln.Accept()
		_, closedRead = c2.Read(make([]byte, 10))
		c2.Close()
	})
	a.Go("client", func() {
		c, err := a.Dial(context.Background(), "tcp", "server:7")
		if err != nil {
			t.Error(err)
			return
		}
		local = c.LocalAddr().String()
		buf := make([]byte, 5) // smaller than what was sent: partial reads
		for {
			n, err := c.Read(buf)
			if n > 0 {
				reads = append(reads, string(buf[:n]))
			}
			if err != nil {
				eof = err
				break
			}
		}
		// Deadline: nobody writes, so the read times out in virtual time.
		start := w.Now()
		c.SetReadDeadline(a.Now().Add(3 * time.Second))
		c2, _ := a.Dial(context.Background(), "tcp", "server:7")
		c2.SetReadDeadline(a.Now().Add(3 * time.Second))
		_, timeout = c2.Read(buf)
		elapsed = w.Now() - start
		c2.Close()
		c.Close()
	})
	if err := w.RunUntil(time.Hour); err != nil {
		t.Fatal(err)
	}
	if remote != local || !strings.HasPrefix(local, "198.51.100.10:") {
		t.Errorf("server sees %s, client is %s", remote, local)
	}
	if strings.Join(reads, "|") != "hello|, wor|ld" { // two writes in one turn travel as one segment
		t.Errorf("reads = %q", reads)
	}
	if eof != io.EOF {
		t.Errorf("after FIN: %v, want io.EOF", eof)
	}
	var ne net.Error
	if !errors.As(timeout, &ne) || !ne.Timeout() || !errors.Is(timeout, os.ErrDeadlineExceeded) {
		t.Errorf("deadline: %v, want a timeout", timeout)
	}
	if elapsed < 3*time.Second || elapsed > 4*time.Second {
		t.Errorf("timed out after %s of virtual time, want about 3s", elapsed)
	}
	if closedRead != io.EOF {
		t.Errorf("server read after client close: %v, want EOF", closedRead)
	}
}

func TestCloseWhileBlocked(t *testing.T) {
	w, a, b := twoISPs(t, 1)
	ln, _ := b.Listen("tcp", ":7")
	b.Go("server", func() {
		c, _ := ln.Accept()
		c.Read(make([]byte, 1)) // until the client goes away
		c.Close()
	})
	var readErr error
	a.Go("client", func() {
		c, err := a.Dial(context.Background(), "tcp", "server:7")
		if err != nil {
			t.Error(err)
			return
		}
		a.Go("closer", func() {
			a.Sleep(time.Second)
			c.Close()
		})
		_, readErr = c.Read(make([]byte, 1))
	})
	if err := w.RunUntil(time.Hour); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(readErr, net.ErrClosed) {
		t.Errorf("read while closed: %v, want net.ErrClosed", readErr)
	}
}

func TestZeroDeadlineFailsAtOnce(t *testing.T) {
	w, a, b := twoISPs(t, 1)
	ln, _ := b.Listen("tcp", ":7")
	b.Go("server", func() {
		c, _ := ln.Accept()
		c.Read(make([]byte, 1))
		c.Close()
	})
	var werr error
	a.Go("client", func() {
		c, _ := a.Dial(context.Background(), "tcp", "server:7")
		c.SetDeadline(a.Now())
		_, werr = c.Write([]byte("x"))
		c.Close()
	})
	if err := w.RunUntil(time.Hour); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(werr, os.ErrDeadlineExceeded) {
		t.Errorf("write with deadline now: %v", werr)
	}
}

func TestUDP(t *testing.T) {
	w, a, b := twoISPs(t, 1)
	pc, err := b.ListenPacket("udp", ":53")
	if err != nil {
		t.Fatal(err)
	}
	b.Go("echo", func() {
		buf := make([]byte, 512)
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			t.Error(err)
			return
		}
		pc.WriteTo(append([]byte("re: "), buf[:n]...), from)
	})
	var got string
	a.Go("client", func() {
		c, err := a.Dial(context.Background(), "udp", "203.0.113.25:53")
		if err != nil {
			t.Error(err)
			return
		}
		if _, ok := c.(net.PacketConn); !ok {
			t.Error("dialed UDP conn is not a net.PacketConn")
		}
		c.Write([]byte("ping"))
		buf := make([]byte, 512)
		n, _ := c.Read(buf)
		got = string(buf[:n])
		c.Close()
	})
	if err := w.RunUntil(time.Hour); err != nil {
		t.Fatal(err)
	}
	if got != "re: ping" {
		t.Errorf("got %q", got)
	}
}

func TestStallIsReported(t *testing.T) {
	w, a, _ := twoISPs(t, 1)
	w.cfg.StallTimeout = 200 * time.Millisecond
	block := make(chan struct{})
	defer close(block)
	a.Go("stuck", func() { <-block }) // a plain channel hides the wait from the kernel
	err := w.RunUntil(time.Second)
	var se *StallError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "client: stuck") {
		t.Fatalf("got %v, want a StallError naming the goroutine", err)
	}
}

// An accepted conn handed to Host.Go, not to a plain go statement, is
// never touched before the kernel moves on, and the kernel waits for
// that: the stall names it and says how to serve it.
func TestUntouchedConnIsReported(t *testing.T) {
	w := New(Config{Seed: 1, StallTimeout: 200 * time.Millisecond})
	client, _ := w.AddHost("client", mustAddr("198.51.100.10"))
	server, _ := w.AddHost("server", mustAddr("203.0.113.25"))
	if _, err := w.Connect("client", "server", time.Millisecond, 0); err != nil {
		t.Fatal(err)
	}
	if err := w.Build(); err != nil {
		t.Fatal(err)
	}
	ln, err := server.Listen("tcp", ":25")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 1)
	server.Go("server", func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		accepted <- c
		server.Go("conn", func() { c.Close() })
		ln.Accept()
	})
	client.Go("client", func() {
		c, err := client.Dial(context.Background(), "tcp", "server:25")
		if err == nil {
			c.Read(make([]byte, 1))
		}
	})
	err = w.RunUntil(time.Second)
	var se *StallError
	if !errors.As(err, &se) || se.Untouched != 1 || !strings.Contains(err.Error(), "1 accepted connection(s) never touched") || !strings.Contains(err.Error(), "plain go statement") {
		t.Fatalf("got %v, want a StallError naming the untouched conn", err)
	}
	if strings.Contains(err.Error(), "never started") {
		t.Errorf("%v: no goroutine failed to start", err)
	}
	// Touched at last, from outside, the conn lets the world close.
	go (<-accepted).Close()
	if err := w.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// A deadline moved while a read is blocked takes effect: later (as
// servers do before every read) and earlier.
func TestDeadlineMovedWhileBlocked(t *testing.T) {
	for _, tc := range []struct {
		name       string
		first, now time.Duration // deadlines set before and during the read
		want       time.Duration // virtual time the read fails at
	}{
		{"later", 2 * time.Second, 10 * time.Second, 11 * time.Second},
		{"earlier", 20 * time.Second, 3 * time.Second, 4 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, a, b := twoISPs(t, 1)
			ln, _ := b.Listen("tcp", ":7")
			b.Go("server", func() {
				c, _ := ln.Accept()
				c.Read(make([]byte, 1))
				c.Close()
			})
			var failedAt time.Duration
			var err error
			a.Go("client", func() {
				c, _ := a.Dial(context.Background(), "tcp", "server:7")
				c.SetReadDeadline(a.Deadline(tc.first))
				a.Go("mover", func() {
					a.Sleep(time.Second)
					c.SetReadDeadline(a.Deadline(tc.now))
				})
				_, err = c.Read(make([]byte, 1))
				failedAt = w.Now()
				c.Close()
			})
			if err := w.RunUntil(time.Minute); err != nil {
				t.Fatal(err)
			}
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("read: %v, want a timeout", err)
			}
			// The dial took a round trip (~44ms) before the deadlines were set.
			if d := failedAt - tc.want; d < 0 || d > 100*time.Millisecond {
				t.Errorf("read failed at %s, want about %s", failedAt, tc.want)
			}
		})
	}
}

package sim

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// No test leaves a goroutine behind: worlds are closed.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Close wakes every goroutine blocked on the world with net.ErrClosed and
// runs each to its end: an accept, reads on both ends of a connection
// (one in a fresh goroutine that adopted it, as go-smtp's are), a UDP
// read, a dial whose SYN is in flight, a sleeper (which ends inside
// Sleep), and a goroutine due later (which never starts).
func TestCloseEndsEveryGoroutine(t *testing.T) {
	before := goleak.IgnoreCurrent()
	w, a, b := twoISPs(t, 1)
	errs := make(chan error, 10)
	ended := make(chan string, 10)
	l, err := b.Listen("tcp", ":25")
	if err != nil {
		t.Fatal(err)
	}
	b.Go("server", func() {
		c, err := l.Accept()
		if err != nil {
			t.Error(err)
			return
		}
		go func() { // not started by the world: adopts c at first use
			_, err := c.Read(make([]byte, 10))
			errs <- err
			c.Close() // gives up control: go-smtp's goroutines end so
		}()
		_, err = l.Accept()
		errs <- err
	})
	pc, err := b.ListenPacket("udp", ":53")
	if err != nil {
		t.Fatal(err)
	}
	b.Go("udp", func() {
		_, _, err := pc.ReadFrom(make([]byte, 10))
		errs <- err
	})
	a.Go("client", func() {
		c, err := a.Dial(context.Background(), "tcp", "203.0.113.25:25")
		if err != nil {
			t.Error(err)
			return
		}
		_, err = c.Read(make([]byte, 10))
		errs <- err
	})
	w.At(990*time.Millisecond, "late dialer", func() {
		_, err := a.Dial(context.Background(), "tcp", "203.0.113.25:25")
		errs <- err
	})
	a.Go("sleeper", func() {
		defer func() { ended <- "sleeper" }()
		a.Sleep(time.Hour)
		t.Error("Sleep returned in a closed world")
	})
	w.At(2*time.Hour, "due later", func() { ended <- "due later ran" })
	if err := w.RunUntil(time.Second); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	close(errs)
	n := 0
	for err := range errs {
		n++
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("blocked call ended with %v, want net.ErrClosed", err)
		}
	}
	if n != 5 {
		t.Errorf("%d blocked calls returned, want 5", n)
	}
	close(ended)
	var got []string
	for s := range ended {
		got = append(got, s)
	}
	if len(got) != 1 || got[0] != "sleeper" {
		t.Errorf("ended: %q, want only the sleeper's deferred call", got)
	}
	goleak.VerifyNone(t, before)

	// A closed world refuses everything at once, without a driver.
	if _, err := a.Dial(context.Background(), "tcp", "203.0.113.25:25"); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Dial after Close: %v", err)
	}
	if _, err := b.Listen("tcp", ":110"); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Listen after Close: %v", err)
	}
	if err := l.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("listener Close after world Close: %v", err)
	}
	if _, err := w.Step(); !errors.Is(err, ErrStopped) {
		t.Errorf("Step after Close: %v", err)
	}
}

// Close stops a paced driver running in another goroutine first.
func TestCloseStopsPacedDriver(t *testing.T) {
	w, a, _ := twoISPs(t, 1)
	a.Go("sleeper", func() {
		for {
			a.Sleep(time.Millisecond)
		}
	})
	done := make(chan error, 1)
	go func() { done <- w.Pace(context.Background(), 1) }()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, ErrStopped) {
		t.Errorf("Pace after Close: %v, want ErrStopped", err)
	}
}

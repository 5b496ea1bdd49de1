package sim

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"mailsim/servers/env"
)

// epochs are the scenario epochs the deadline tests run under: the
// default, and the wall clock's today, with and without an offset of
// the length of the timeout, which is where guessing the clock from
// which one is nearer went wrong.
func epochs() map[string]time.Time {
	now := time.Now().UTC() // the test picks epochs near the wall clock
	return map[string]time.Time{
		"default": {},
		"now":     now,
		"now+5m":  now.Add(5 * time.Minute),
		"now-5m":  now.Add(-5 * time.Minute),
	}
}

// silentServer runs op on a's conn to a server on b that never says a
// word, in a world at epoch, and returns the virtual time op took and
// its error.
func silentServer(t *testing.T, epoch time.Time, op func(a *Host, c net.Conn) error) (time.Duration, error) {
	t.Helper()
	w, a, b := twoISPs(t, 1)
	w.cfg.Epoch = epochOr(epoch)
	ln, _ := b.Listen("tcp", ":25")
	b.Go("server", func() {
		c, _ := ln.Accept()
		c.Read(make([]byte, 1))
		c.Close()
	})
	var took time.Duration
	var err error
	a.Go("client", func() {
		c, _ := a.Dial(context.Background(), "tcp", "server:25")
		start := w.Now()
		err = op(a, c)
		took = w.Now() - start
		c.Close()
	})
	if err := w.RunUntil(time.Hour); err != nil {
		t.Fatal(err)
	}
	return took, err
}

// A go-smtp-style deadline, wall now + 5 minutes, set through the
// wrapper fires after exactly 5 minutes of virtual time, whatever the
// epoch.
func TestWallDeadlineExact(t *testing.T) {
	for name, epoch := range epochs() {
		t.Run(name, func(t *testing.T) {
			took, err := silentServer(t, epoch, func(a *Host, c net.Conn) error {
				wc := env.WallClockConn(a, c, 5*time.Minute)
				wc.SetReadDeadline(time.Now().Add(5 * time.Minute)) // as go-smtp does
				_, err := wc.Read(make([]byte, 1))
				return err
			})
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("read: %v, want a timeout", err)
			}
			if took != 5*time.Minute {
				t.Errorf("deadline fired after %s, want exactly 5m", took)
			}
		})
	}
}

// go-smtp's own client, waiting for a greeting that never comes, gives
// up after exactly its CommandTimeout of virtual time.
func TestGoSMTPGreetingTimeout(t *testing.T) {
	for name, epoch := range epochs() {
		t.Run(name, func(t *testing.T) {
			took, err := silentServer(t, epoch, func(a *Host, c net.Conn) error {
				return goSMTPClient(a, c).Hello("client")
			})
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("Hello: %v, want a timeout", err)
			}
			if took != 5*time.Minute {
				t.Errorf("go-smtp gave up after %s, want exactly its CommandTimeout, 5m", took)
			}
		})
	}
}

// A deadline on the virtual clock is taken as it is: one already past
// fails at once, the zero time means none.
func TestVirtualDeadlineExact(t *testing.T) {
	w, _, _ := twoISPs(t, 1)
	w.now = time.Minute
	at := w.cfg.Epoch.Add(90*time.Second + time.Nanosecond)
	if d := w.deadlineAt(at); !d.set || d.at != 90*time.Second+time.Nanosecond {
		t.Errorf("deadlineAt(epoch+90s+1ns) = %+v", d)
	}
	if d := w.deadlineAt(w.cfg.Epoch); d.at != time.Minute {
		t.Errorf("a past deadline is at %s, want now (1m)", d.at)
	}
	if d := w.deadlineAt(time.Time{}); d.set {
		t.Errorf("zero time set a deadline: %+v", d)
	}
}

func TestMatchTimeout(t *testing.T) {
	five, twelve := 5*time.Minute, 12*time.Minute
	for _, tc := range []struct {
		d        time.Duration
		timeouts []time.Duration
		want     time.Duration
	}{
		{five - 3*time.Microsecond, []time.Duration{five, twelve}, five},
		{twelve - 400*time.Millisecond, []time.Duration{five, twelve}, twelve},
		{five, []time.Duration{twelve, five}, five},
		{-2 * time.Microsecond, []time.Duration{0}, 0}, // CommandTimeout 0
		{2*time.Second - time.Microsecond, []time.Duration{2 * time.Second, 2*time.Second + 100*time.Millisecond}, 2 * time.Second},
		// None of the timeouts (a context's deadline): rounded to 10ms.
		{90*time.Second - 3*time.Millisecond, []time.Duration{five}, 90 * time.Second},
		{five + time.Millisecond, []time.Duration{five}, five},
		{-time.Second, nil, 0},
	} {
		if got := matchTimeout(tc.d, tc.timeouts); got != tc.want {
			t.Errorf("matchTimeout(%s, %v) = %s, want %s", tc.d, tc.timeouts, got, tc.want)
		}
	}
}

func epochOr(t time.Time) time.Time {
	if t.IsZero() {
		return DefaultEpoch
	}
	return t
}

// A wall-clock deadline that reaches a simulated conn unconverted (a
// library whose conn was not wrapped) fails the run, naming the conn,
// instead of being read on the wrong clock.
func TestUnwrappedWallDeadlineFails(t *testing.T) {
	w, a, b := twoISPs(t, 1)
	ln, _ := b.Listen("tcp", ":25")
	b.Go("server", func() {
		c, _ := ln.Accept()
		c.Read(make([]byte, 1))
		c.Close()
	})
	a.Go("client", func() {
		c, _ := a.Dial(context.Background(), "tcp", "server:25")
		c.SetReadDeadline(time.Now().Add(5 * time.Minute)) // as go-smtp does, unwrapped
		c.Read(make([]byte, 1))
		c.Close()
	})
	err := w.RunUntil(time.Hour)
	if err == nil || !strings.Contains(err.Error(), "client 198.51.100.10:49152") || !strings.Contains(err.Error(), "env.WallClockConn") {
		t.Fatalf("RunUntil: %v, want an error naming the conn and env.WallClockConn", err)
	}
}

package env

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"net"
	"sync"
	"time"
)

// Loopback is an Env on the real network, for tests of the servers over
// real sockets. Its clock is fake: it starts at Epoch and moves only when
// someone Sleeps, so retries that would take days of real time take
// none. Only Deadline reads the wall clock: real sockets' deadlines are
// wall-clock instants.
type Loopback struct {
	HostName string
	Log      io.Writer // notes go here; nil discards them

	mu  sync.Mutex
	now time.Time
	rnd *rand.Rand
}

// Epoch is where every world's clock starts: a fixed, readable instant.
var Epoch = time.Date(2026, time.January, 5, 9, 0, 0, 0, time.UTC)

// NewLoopback returns a real-network Env whose clock starts at Epoch.
func NewLoopback(name string, seed int64) *Loopback {
	return &Loopback{HostName: name, now: Epoch, rnd: rand.New(rand.NewSource(seed))}
}

var _ Env = (*Loopback)(nil)

func (l *Loopback) Now() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.now.IsZero() {
		l.now = Epoch
	}
	return l.now
}

// Sleep advances the fake clock by d and yields.
func (l *Loopback) Sleep(d time.Duration) {
	l.mu.Lock()
	if l.now.IsZero() {
		l.now = Epoch
	}
	l.now = l.now.Add(d)
	l.mu.Unlock()
	// Give other goroutines a chance, as a real sleep would.
	ch := make(chan struct{})
	go close(ch)
	<-ch
}

func (l *Loopback) Go(name string, fn func()) { go fn() }

// GoAfter sleeps d on the fake clock in a new goroutine, then runs fn.
func (l *Loopback) GoAfter(d time.Duration, name string, fn func()) {
	go func() {
		if d > 0 {
			l.Sleep(d)
		}
		fn()
	}()
}

func (l *Loopback) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}

func (l *Loopback) Rand() *rand.Rand {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rnd == nil {
		l.rnd = rand.New(rand.NewSource(1))
	}
	return l.rnd
}

func (l *Loopback) Logf(format string, args ...any) {
	if l.Log != nil {
		l.mu.Lock()
		fmt.Fprintf(l.Log, "%s: %s\n", l.HostName, fmt.Sprintf(format, args...))
		l.mu.Unlock()
	}
}

func (l *Loopback) Name() string { return l.HostName }

// Deadline is d from now on the real clock: Loopback's conns are real
// sockets, whose deadlines the kernel measures in real time (wall clock:
// real sockets only, never the simulation).
func (l *Loopback) Deadline(d time.Duration) time.Time { return time.Now().Add(d) }

// WallDeadline is t itself: real sockets measure deadlines on the wall
// clock, which is the one the library used.
func (l *Loopback) WallDeadline(t time.Time, _ ...time.Duration) time.Time { return t }

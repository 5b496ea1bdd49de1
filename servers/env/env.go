// Package env is what a server or the mail program needs from the world it
// runs in. The simulated Internet (a sim.Host) and the real one (Loopback)
// both provide it, so the same protocol code runs on either.
package env

import (
	"bufio"
	"bytes"
	"context"
	"math/rand"
	"net"
	"sync"
	"time"
)

// Env is a host's view of its world.
//
// Rules for code written against it: never read the wall clock (use Now),
// never time.Sleep (use Sleep), start goroutines with Go, and take
// randomness from Rand. Those are the hooks the simulator uses to keep
// every run deterministic.
type Env interface {
	// Now is the current (virtual) time.
	Now() time.Time
	// Sleep blocks the calling goroutine for d of (virtual) time. When a
	// simulated world is closed it does not return: the goroutine ends
	// there (runtime.Goexit, so its deferred calls run).
	Sleep(d time.Duration)
	// Go starts fn in a new goroutine the world knows about.
	Go(name string, fn func())
	// GoAfter starts fn in a new goroutine after d of (virtual) time. A
	// simulated host schedules it, and nothing of it waits meanwhile: a
	// queue of messages waiting to be retried keeps no goroutines.
	GoAfter(d time.Duration, name string, fn func())
	// Dial opens a connection from this host, as net.Dialer.DialContext.
	Dial(ctx context.Context, network, address string) (net.Conn, error)
	// Rand is this host's seeded random source. Use it only from
	// goroutines started by Go (it is not safe for concurrent use).
	Rand() *rand.Rand
	// Logf records an application-level note, such as "queued" or
	// "delivered to bob", in the event trace.
	Logf(format string, args ...any)
	// Name is the host's name, e.g. "smtp.comentum.com".
	Name() string
	// Deadline is the instant to pass to a conn's SetDeadline for a
	// timeout of d from now: d of virtual time in the simulation, of real
	// time on real sockets.
	Deadline(d time.Duration) time.Time
	// WallDeadline converts a deadline a library computed from the wall
	// clock, time.Now().Add(d) with d one of timeouts, into one for this
	// host's conns: d of virtual time from now in the simulation, t
	// itself on real sockets. The zero time stays zero. Code of our own
	// uses Deadline; libraries get their conns wrapped in WallClockConn.
	WallDeadline(t time.Time, timeouts ...time.Duration) time.Time
}

// headerReaders lends the 4 KiB buffered readers that reading a
// message's header needs (mail.ReadMessage takes a *bufio.Reader of that
// size as it is), instead of allocating one for every message sent,
// stored or downloaded.
var headerReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// LendReader returns a pooled 4 KiB reader over data; give it back with
// ReturnReader once read.
func LendReader(data []byte) *bufio.Reader {
	br := headerReaders.Get().(*bufio.Reader)
	br.Reset(bytes.NewReader(data))
	return br
}

// ReturnReader gives back a reader from LendReader.
func ReturnReader(br *bufio.Reader) {
	br.Reset(nil)
	headerReaders.Put(br)
}

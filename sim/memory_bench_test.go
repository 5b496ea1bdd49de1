package sim

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// BenchmarkIdleConnMemory reports what one idle TCP connection costs:
// both ends' conns, the server goroutine blocked in Read and the client
// goroutine blocked in Read, heap and stacks together, after a
// collection.
func BenchmarkIdleConnMemory(b *testing.B) {
	const conns = 2000
	var perConn, stackPerConn float64
	for range b.N {
		w, client, server := twoISPs(b, 1)
		l, err := server.Listen("tcp", ":25")
		if err != nil {
			b.Fatal(err)
		}
		server.Go("accept", func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				// As go-smtp serves a conn: a plain goroutine adopts it, and
				// closes it when done, which gives control back. One that
				// ended without closing would hold control until the kernel
				// noticed its end (25 ms each, so the world took a minute to
				// close).
				go func() {
					c.Read(make([]byte, 1))
					c.Close()
				}()
			}
		})
		if err := w.RunUntil(time.Second); err != nil {
			b.Fatal(err)
		}
		before, stackBefore := inUse()
		for k := range conns {
			client.Go("dial", func() {
				c, err := client.Dial(context.Background(), "tcp", "203.0.113.25:25")
				if err != nil {
					b.Errorf("dial %d: %v", k, err)
					return
				}
				c.Read(make([]byte, 1))
			})
		}
		if err := w.RunUntil(time.Minute); err != nil {
			b.Fatal(err)
		}
		after, stackAfter := inUse()
		perConn = float64(after-before) / conns
		stackPerConn = float64(stackAfter-stackBefore) / conns
		runtime.KeepAlive(w)
	}
	b.ReportMetric(perConn, "bytes/idle-conn")
	b.ReportMetric(stackPerConn, "stack-bytes/idle-conn")
	b.ReportMetric(0, "ns/op")
}

// inUse is the heap and stack memory in use after a collection, and
// the stacks' part of it.
func inUse() (all, stacks uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse, m.StackInuse
}

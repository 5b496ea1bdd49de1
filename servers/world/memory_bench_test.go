package world

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"mailsim/sim/scenario"
)

// BenchmarkMessageMemory reports what a message costs while it waits,
// heap and stacks after a collection, per message: stored in a mailbox
// until it is downloaded, or queued at the sender's SMTP server while the
// receiving one is stopped. message-bytes is the size of the message
// itself as kept; the rest is what keeping it adds (the mailbox entry or
// queue job and its retry, the message's journey and steps). The world
// is built as for mailsim run --quiet (Lean, Quiet).
func BenchmarkMessageMemory(b *testing.B) {
	const n = 400
	for _, queued := range []bool{false, true} {
		name := map[bool]string{false: "stored", true: "queued"}[queued]
		b.Run(name, func(b *testing.B) {
			var per, objs, size float64
			for range b.N {
				per, objs, size = messageMemory(b, n, queued)
			}
			b.ReportMetric(per, "bytes/message")
			b.ReportMetric(objs, "objects/message") // what the collector marks
			b.ReportMetric(size, "message-bytes")
			b.ReportMetric(0, "ns/op")
		})
	}
}

func messageMemory(b *testing.B, n int, queued bool) (per, objs, size float64) {
	var y strings.Builder
	y.WriteString(`title: messages that wait
until: 1h
isps:
  otherisp: {domain: otherisp.com, users: {lisa: secret1}}
  comentum: {domain: comentum.com, users: {bob: secret2}}
hosts:
  lisa-pc: {user: lisa@otherisp.com}
  bob-pc: {user: bob@comentum.com}
timeline:
`)
	if queued {
		y.WriteString("  - {at: 0s, stop: {host: smtp.comentum.com, service: smtp}}\n")
	}
	body := strings.Repeat("Lunch on Friday? ", 24) // 408 bytes, a short letter
	const start, gap = 10 * time.Second, 200 * time.Millisecond
	for i := range n {
		fmt.Fprintf(&y, "  - {at: %v, send: {from: lisa@otherisp.com, to: bob@comentum.com, subject: \"Lunch %d\", body: %q}}\n",
			start+time.Duration(i)*gap, i, body)
	}
	want := n
	if queued {
		want = 0
	}
	fmt.Fprintf(&y, "expect:\n  - {mailbox: {of: bob@comentum.com, count: %d}, at: 59m}\n", want)
	sc, err := scenario.Parse("wait.yaml", []byte(y.String()))
	if err != nil {
		b.Fatal(err)
	}
	rt, err := Build(sc, Options{Lean: true, Quiet: true})
	if err != nil {
		b.Fatal(err)
	}
	defer rt.Close()
	if err := rt.World.RunUntil(start - time.Second); err != nil {
		b.Fatal(err)
	}
	before, objsBefore := heapAndStacks()
	if err := rt.World.RunUntil(start + time.Duration(n)*gap + 2*time.Minute); err != nil {
		b.Fatal(err)
	}
	after, objsAfter := heapAndStacks()
	box := rt.isps["comentum"].store.Messages("bob")
	q := rt.SMTPQueue("smtp.otherisp.com")
	switch {
	case queued && (len(box) != 0 || len(q) != n):
		b.Fatalf("%d stored, %d queued; want all %d queued", len(box), len(q), n)
	case queued:
		size = float64(len(q[0].Data))
	case len(box) != n:
		b.Fatalf("%d of %d stored", len(box), n)
	default:
		size = float64(len(box[0].Data))
	}
	runtime.KeepAlive(rt)
	return float64(after-before) / float64(n), float64(objsAfter-objsBefore) / float64(n), size
}

// heapAndStacks is the heap and stack memory in use after a collection,
// and the heap's objects.
func heapAndStacks() (bytes, objects uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse, m.HeapObjects
}

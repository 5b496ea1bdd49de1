package world

import (
	"testing"

	"mailsim/sim"
)

// BenchmarkJSONTrace encodes classroom's events (without payloads) as
// --trace writes them, the encoder alone. Its data stays in the caches
// here, as it does not in a run: tables of text kept between lines made
// this 20% faster and a run none (cmd/mailsim's BenchmarkTrace), so
// judge a change by both.
func BenchmarkJSONTrace(b *testing.B) {
	rt := build(b, "classroom.yaml")
	var events []sim.Event
	rt.World.Subscribe(func(e *sim.Event) { events = append(events, *e) })
	if err := rt.Run(); err != nil {
		b.Fatal(err)
	}
	var n count
	b.ResetTimer()
	for range b.N {
		tw := sim.NewJSONTrace(&n, false)
		for i := range events {
			tw.Event(&events[i])
		}
		if err := tw.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/float64(b.N)/float64(len(events)), "B/event")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(events)), "ns/event")
}

// count is a writer that counts what it is given.
type count int

func (c *count) Write(p []byte) (int, error) {
	*c += count(len(p))
	return len(p), nil
}

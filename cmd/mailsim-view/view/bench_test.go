package view

import (
	"testing"
	"time"
)

// BenchmarkFrame is the per-frame work of the window apart from drawing:
// one Tick at 1× (the world runs 1/60 s), the segments in flight, the
// event list, the caption and the transcript of a selected conversation,
// on the classroom scenario (10 ISPs × 30 PCs) with 1,000 extra segments
// in flight.
func BenchmarkFrame(b *testing.B) {
	m := newModel(b, "classroom.yaml")
	m.Seek(5 * time.Second)
	m.AddSynthetic(1000, 5*time.Second)
	for _, e := range m.Log {
		if e.Hop == 1 && len(e.Payload) > 0 {
			m.Select(e)
			break
		}
	}
	m.Playing = true
	var buf []Flight
	var spots []Spot
	b.ResetTimer()
	inFlight := 0
	for i := 0; i < b.N; i++ {
		if m.T >= 5*time.Second+50*time.Millisecond {
			m.T = 5 * time.Second // stay where the 1,000 are in flight
		}
		m.Tick()
		buf = m.InFlight(buf)
		spots = m.Letters().At(m.T, m.Pace, spots)
		inFlight = len(buf)
		m.Rows(40, 0)
		m.Caption()
		m.StoryLine()
		m.Transcript(20)
	}
	b.ReportMetric(float64(inFlight), "in-flight")
}

// BenchmarkLayout lays out the classroom topology.
func BenchmarkLayout(b *testing.B) {
	sc := loadScenario(b, "classroom.yaml")
	for i := 0; i < b.N; i++ {
		NewTopology(sc)
	}
}

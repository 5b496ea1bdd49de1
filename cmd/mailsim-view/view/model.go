package view

import (
	"fmt"
	"sort"
	"time"

	"mailsim/sim"
	"mailsim/sim/scenario"
)

// TPS is how many times a second the window calls Tick.
const TPS = 60

// Speeds the player offers, in virtual seconds per real second.
var Speeds = []float64{0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100}

// Model is the state of the window apart from pixels.
type Model struct {
	Scenario *scenario.Scenario
	Topo     *Topology
	Cast     *Cast

	build BuildFunc
	run   Runner
	gen   int // bumped at every rebuild so stale subscriptions are ignored

	// Log holds every event the current world has emitted, in emission
	// order, which is also order of Depart.
	Log        []*sim.Event
	maxTransit time.Duration

	T        time.Duration // the moment shown
	W        time.Duration // how far the world has run (T ≤ W)
	Playing  bool
	SpeedIdx int
	Err      error // the world failed; shown in the window

	Filter      []bool     // by Proto: protocols shown in the list (and on links)
	ShowControl bool       // show TCP handshake, bare ACK and FIN segments
	Selected    *sim.Event // clicked in the event list
	Node        string     // clicked on the map; the inspector shows it

	// Live: the world is bridged to real clients, so it is never rebuilt
	// (no restart, no replay) and runs past the scenario's end.
	Live bool
}

// Runner is the current run.
func (m *Model) Runner() Runner { return m.run }

// NewModel builds the first run of sc and stands at time 0, paused.
func NewModel(sc *scenario.Scenario, build BuildFunc) (*Model, error) {
	m := &Model{Scenario: sc, Topo: NewTopology(sc), Cast: NewCast(sc), build: build, SpeedIdx: 3}
	m.Filter = make([]bool, NumProto)
	for i := range m.Filter {
		m.Filter[i] = true
	}
	if err := m.rebuild(); err != nil {
		return nil, err
	}
	return m, nil
}

// Speed is the current speed factor.
func (m *Model) Speed() float64 { return Speeds[m.SpeedIdx] }

// Faster and Slower change the speed one notch.
func (m *Model) Faster() { m.SpeedIdx = min(m.SpeedIdx+1, len(Speeds)-1) }

// Slower lowers the speed one notch.
func (m *Model) Slower() { m.SpeedIdx = max(m.SpeedIdx-1, 0) }

// Until is the end of the run.
func (m *Model) Until() time.Duration {
	if m.Live {
		return 1<<63 - 1
	}
	return m.run.Until()
}

// rebuild starts a fresh world at time 0 with an empty log, and closes
// the old one: every restart, rewind and reload builds a world, and a
// world left running keeps its goroutines and memory.
func (m *Model) rebuild() error {
	r, err := m.build()
	if err != nil {
		return err
	}
	var closeErr error
	if m.run != nil {
		closeErr = m.run.Close()
	}
	m.gen++
	gen := m.gen
	m.run, m.Log, m.maxTransit, m.W, m.Err = r, nil, 0, 0, nil
	r.World().Subscribe(func(e *sim.Event) {
		if m.gen == gen {
			m.add(e)
		}
	})
	if closeErr != nil {
		m.fail(fmt.Errorf("closing the previous run: %w", closeErr))
	}
	return nil
}

// Close ends the current run. The model is not used afterwards.
func (m *Model) Close() error { return m.run.Close() }

// add appends an event, keeping the log sorted by departure.
func (m *Model) add(e *sim.Event) {
	m.Log = append(m.Log, e)
	if d := e.Arrive - e.Depart; d > m.maxTransit {
		m.maxTransit = d
	}
	for i := len(m.Log) - 1; i > 0 && m.Log[i-1].Depart > e.Depart; i-- {
		m.Log[i-1], m.Log[i] = m.Log[i], m.Log[i-1]
	}
}

// Tick is one Update: when playing, virtual time moves by speed/TPS.
func (m *Model) Tick() {
	if !m.Playing || m.Err != nil {
		return
	}
	dt := time.Duration(m.Speed() * float64(time.Second) / TPS)
	m.Seek(m.T + dt)
	if m.T >= m.Until() {
		m.Playing = false
	}
}

// Seek shows virtual time t. Forward, the world runs up to t; backward,
// the log already holds everything before t, so only the view moves.
func (m *Model) Seek(t time.Duration) {
	t = max(0, min(t, m.Until()))
	if t > m.W && m.Err == nil {
		if err := m.run.RunUntil(t); err != nil {
			m.fail(err)
			return
		}
		m.W = t
	}
	m.T = min(t, m.W)
}

// StepEvent moves to the next event: the next one in the log when the
// view is behind the world, else World.Step.
func (m *Model) StepEvent() {
	m.Playing = false
	i := sort.Search(len(m.Log), func(i int) bool { return m.Log[i].Depart > m.T })
	for ; i < len(m.Log); i++ {
		if m.visible(m.Log[i]) {
			m.T = m.Log[i].Depart
			return
		}
	}
	if m.Err != nil {
		return
	}
	for tries := 0; tries < 10000; tries++ {
		n := len(m.Log)
		ok, err := m.run.Step()
		if err != nil {
			m.fail(err)
			return
		}
		m.W = max(m.W, m.run.World().Now())
		for _, e := range m.Log[n:] {
			if m.visible(e) {
				m.T = e.Depart
				return
			}
		}
		if !ok || m.W >= m.Until() {
			m.T = m.W
			return
		}
	}
}

// Restart rebuilds the world and plays from time 0.
func (m *Model) Restart() {
	if m.Live {
		return
	}
	m.Selected, m.T = nil, 0
	if err := m.rebuild(); err != nil {
		m.fail(err)
		return
	}
	m.Playing = true
}

// Sync makes the world's state match the moment shown, rebuilding and
// replaying when the view was scrubbed back; the inspector needs it.
func (m *Model) Sync() {
	if m.T == m.W || m.Err != nil || m.Live {
		return
	}
	t, sel := m.T, m.Selected
	if err := m.rebuild(); err != nil {
		m.fail(err)
		return
	}
	m.Seek(t)
	if sel != nil {
		m.Selected = m.bySeq(sel.Seq)
	}
}

// Inspect describes the clicked node at the moment shown.
func (m *Model) Inspect() []string {
	if m.Node == "" {
		return nil
	}
	m.Sync()
	return m.run.Inspect(m.Node)
}

func (m *Model) fail(err error) {
	m.Err = fmt.Errorf("the simulation stopped at %s: %w", FmtTime(m.W), err)
	m.Playing = false
}

func (m *Model) bySeq(seq uint64) *sim.Event {
	for _, e := range m.Log {
		if e.Seq == seq {
			return e
		}
	}
	return nil
}

// visible reports whether the event list and the map show e.
func (m *Model) visible(e *sim.Event) bool {
	switch e.Kind {
	case sim.KindNote, sim.KindDrop:
		return true
	case sim.KindStep: // message journeys: the window's letters will read them
		return false
	}
	p := Classify(e)
	if p == Control {
		return m.ShowControl && m.Filter[ByPort(e.Src.Port(), e.Dst.Port())]
	}
	return m.Filter[p]
}

// FmtTime formats a virtual time as seconds with milliseconds: "12.345s".
func FmtTime(d time.Duration) string {
	return fmt.Sprintf("%d.%03ds", d/time.Second, (d%time.Second)/time.Millisecond)
}

// StepBack moves to the previous visible event in the log.
func (m *Model) StepBack() {
	m.Playing = false
	i := sort.Search(len(m.Log), func(i int) bool { return m.Log[i].Depart >= m.T })
	for i--; i >= 0; i-- {
		if m.visible(m.Log[i]) {
			m.T = m.Log[i].Depart
			return
		}
	}
	m.T = 0
}

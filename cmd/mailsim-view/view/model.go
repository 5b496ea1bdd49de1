package view

import (
	"errors"
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

	T        time.Duration // the moment shown (virtual time)
	W        time.Duration // how far the world has run (T ≤ W)
	P        time.Duration // presentation time: what the student has watched
	Pace     *Pace         // maps P ↔ T: story pace or real time
	Story    bool          // story pace (the default), else real time
	Playing  bool
	SpeedIdx int
	Err      error // the world failed; shown in the window

	failErr  error         // the world failed at failAt; Err once T gets there
	failAt   time.Duration // (the run goes ahead of what is shown)
	insp     Runner        // a second run kept at T for the inspector
	letters  *Letters
	captions map[*sim.Event]string // by event: captionOf

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
	return makeModel(sc, build, false)
}

// NewLiveModel is a model of a world bridged to real clients: it runs in
// real time as it goes, never ahead.
func NewLiveModel(sc *scenario.Scenario, build BuildFunc) (*Model, error) {
	return makeModel(sc, build, true)
}

func makeModel(sc *scenario.Scenario, build BuildFunc, live bool) (*Model, error) {
	m := &Model{Scenario: sc, Topo: NewTopology(sc), Cast: NewCast(sc), build: build, SpeedIdx: 3, Story: !live, Live: live}
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
		closeErr = errors.Join(m.run.Close(), m.dropInsp())
	}
	m.gen++
	gen := m.gen
	m.run, m.Log, m.maxTransit, m.W, m.Err, m.failErr, m.insp = r, nil, 0, 0, nil, nil, nil
	r.World().Subscribe(func(e *sim.Event) {
		if m.gen == gen {
			m.add(e)
		}
	})
	if closeErr != nil {
		m.fail(fmt.Errorf("closing the previous run: %w", closeErr))
	}
	m.P, m.Pace, m.letters, m.captions = 0, RealPace(), nil, nil
	if m.Live {
		return nil
	}
	// The whole run goes ahead at once (a second for the classroom): story
	// pace, the timeline, the letters and the results need all of it.
	if err := r.RunUntil(r.Until()); err != nil {
		m.failErr, m.failAt = err, r.World().Now()
		m.W = m.failAt
	} else {
		m.W = r.Until()
	}
	m.setPace()
	m.letters = newLetters(m)
	return nil
}

// Close ends the current run, and the inspector's. The model is not used
// afterwards.
func (m *Model) Close() error { return errors.Join(m.run.Close(), m.dropInsp()) }

// dropInsp closes the inspector's run, if any: a world left behind
// keeps its goroutines and memory.
func (m *Model) dropInsp() error {
	if m.insp == nil {
		return nil
	}
	err := m.insp.Close()
	m.insp = nil
	return err
}

// setPace builds the map for the current mode and keeps T where it is.
func (m *Model) setPace() {
	if m.Story && !m.Live {
		m.Pace = StoryPace(Needs(m.Log), m.Until())
	} else {
		m.Pace = RealPace()
	}
	if m.T > 0 {
		m.P = m.Pace.P(m.T)
	}
}

// ToggleStory switches between story pace and real time.
func (m *Model) ToggleStory() {
	if m.Live {
		return
	}
	m.Story = !m.Story
	m.setPace()
}

// Letters are the messages of the run, from its journeys.
func (m *Model) Letters() *Letters { return m.letters }

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

// Tick is one Update: when playing, presentation time moves by
// speed/TPS and virtual time follows it through the pace.
func (m *Model) Tick() {
	if !m.Playing || m.Err != nil {
		return
	}
	dt := time.Duration(m.Speed() * float64(time.Second) / TPS)
	if m.Live {
		m.Seek(m.T + dt)
	} else {
		m.SeekP(m.P + dt)
	}
	if m.T >= m.Until() {
		m.Playing = false
	}
}

// SeekP shows presentation time p.
func (m *Model) SeekP(p time.Duration) {
	p = max(0, min(p, m.Pace.Len()))
	m.seek(m.Pace.V(p))
	m.P = p
	if m.T < m.Pace.V(p) { // the run stopped early
		m.P = m.Pace.P(m.T)
	}
}

// Seek shows virtual time t. The log already holds the whole run, so
// only the view moves (a live world runs up to t).
func (m *Model) Seek(t time.Duration) {
	m.seek(t)
	m.P = m.Pace.P(m.T)
}

func (m *Model) seek(t time.Duration) {
	t = max(0, min(t, m.Until()))
	if m.Live && t > m.W && m.Err == nil {
		if err := m.run.RunUntil(t); err != nil {
			m.fail(err)
			return
		}
		m.W = t
	}
	m.T = min(t, m.W)
	if m.failErr != nil && m.T >= m.failAt {
		m.W = m.failAt
		m.fail(m.failErr)
	}
}

// Ended reports that the run is over: the results card is up.
func (m *Model) Ended() bool { return !m.Live && m.T >= m.Until() }

// Started reports whether virtual time has begun to move: before, the
// title card is up.
func (m *Model) Started() bool { return m.P >= Lead || m.T > 0 }

// StepEvent moves to the next event: the next one in the log when the
// view is behind the world, else World.Step.
func (m *Model) StepEvent() {
	m.Playing = false
	i := sort.Search(len(m.Log), func(i int) bool { return m.Log[i].Depart > m.T })
	for ; i < len(m.Log); i++ {
		if m.visible(m.Log[i]) {
			m.Seek(m.Log[i].Depart)
			return
		}
	}
	if m.Err != nil || !m.Live {
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
				m.Seek(e.Depart)
				return
			}
		}
		if !ok || m.W >= m.Until() {
			m.Seek(m.W)
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

// Results are the scenario's expectations checked against the whole run.
func (m *Model) Results() []Result {
	if m.Live || m.run == nil {
		return nil
	}
	return m.run.Results()
}

// Sync makes the inspector's run match the moment shown: forward it
// runs on, backward it is rebuilt and replayed (the core is
// deterministic). A live world is always at its own moment.
func (m *Model) Sync() Runner {
	if m.Live {
		return m.run
	}
	if m.insp != nil && m.insp.World().Now() > m.T {
		if err := m.dropInsp(); err != nil {
			m.fail(fmt.Errorf("closing the inspector's run: %w", err))
		}
	}
	if m.insp == nil {
		r, err := m.build()
		if err != nil {
			m.fail(err)
			return m.run
		}
		m.insp = r
	}
	if m.insp.World().Now() < m.T {
		_ = m.insp.RunUntil(m.T) // the main run already met any failure; the view shows it
	}
	return m.insp
}

// Inspect describes the clicked node at the moment shown.
func (m *Model) Inspect() []string {
	if m.Node == "" {
		return nil
	}
	lines := m.Sync().Inspect(m.Node)
	for i, l := range lines {
		lines[i] = ExpandTabs(l)
	}
	return lines
}

func (m *Model) fail(err error) {
	m.Err = fmt.Errorf("the simulation stopped at %s: %w", FmtTime(m.W), err)
	m.Playing = false
}

// visible reports whether the event list and the map show e.
func (m *Model) visible(e *sim.Event) bool {
	switch e.Kind {
	case sim.KindNote, sim.KindDrop:
		return true
	case sim.KindStep: // message journeys: the letters show them, not the list
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
			m.Seek(m.Log[i].Depart)
			return
		}
	}
	m.Seek(0)
}

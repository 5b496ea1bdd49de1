// Package sim is a deterministic simulated Internet that real protocol
// code runs on. Hosts, routers and links form a topology; hosts hand out
// ordinary net.Listener, net.Conn and net.PacketConn values whose bytes
// travel the topology link by link in virtual time. Every link traversal
// is an Event.
//
// Determinism with real goroutines: the kernel does one thing at a time
// (deliver a segment, fire a timer, hand control to one goroutine) and
// then waits until every goroutine it woke is blocked again on a sim
// primitive. So no two simulated goroutines ever run at once, and the
// same inputs and seed always give the same trace.
package sim

import (
	"errors"
	"fmt"
	"math/rand"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// Config holds the settings of a world.
type Config struct {
	// Seed makes every random choice (ports, sequence numbers, message
	// ids) repeatable.
	Seed int64
	// Epoch is the wall-clock instant virtual time 0 stands for.
	Epoch time.Time
	// StallTimeout is how long, in real time, the kernel waits for woken
	// goroutines to block again before it reports a stall. Default 10s.
	StallTimeout time.Duration
	// MSS is the largest TCP payload per segment. Default 1460.
	MSS int
	// Window is the TCP receive window in bytes: how much a sender may
	// have in flight or unread by the peer before Write blocks. Default
	// 65535, a window without scaling, as the pcap headers advertise.
	Window int
}

// DefaultEpoch is 2026-01-05 09:00 UTC, a Monday morning.
var DefaultEpoch = time.Date(2026, time.January, 5, 9, 0, 0, 0, time.UTC)

// World is a simulated Internet and its kernel.
type World struct {
	cfg Config

	mu      sync.Mutex
	now     time.Duration
	seq     uint64
	items   itemHeap
	stale   int           // items of stopped read timers still in items (compact)
	dropped time.Duration // the time of the last item compact dropped
	running map[int64]*waiter
	tokens  int
	// untouched counts the tokens of accepted conns no goroutine has
	// touched yet; the rest are goroutines not yet started.
	untouched int
	quiet     chan struct{}
	kickCh    chan struct{}
	signals   []chan struct{} // empty wake-up channels for waiters (signal)
	workers   []*worker       // goroutines waiting for a job (launch)
	packets   stock[packet]   // delivered TCP segments' packets, to reuse
	// routeGen counts topology changes from 1; a conn's cached route is
	// good while it was found in this generation.
	routeGen uint64
	err      error
	stopped  bool
	// Close: closing makes every primitive fail at once and starts
	// nothing new; closed means every goroutine of the world has ended.
	closing bool
	closed  bool
	drivers int        // RunUntil and Step calls in progress
	idle    *sync.Cond // signalled when drivers drops to 0 (w.mu)
	parked  int        // goroutines blocked in wait
	// What the driver allows batonRun to do: run items due by limit,
	// or (stepping) until the event count moves past stepFrom.
	driving  bool
	limit    time.Duration
	stepping bool
	stepFrom uint64
	baton    bool   // a goroutine is running kernel items
	progress uint64 // items run by baton holders
	speed    float64

	// topology
	nodes    map[string]*node
	order    []*node
	byAddr   map[netip.Addr]*Host
	links    map[string]*Link
	lorder   []*Link
	trees    map[*node]*spt
	tindex   []int32 // transit index of each node (topology.go)
	ntransit int
	built    bool

	// events
	evSeq   uint64
	pending []*Event
	dirty   []*tcpConn
	subsMu  sync.Mutex
	subs    []subscriber
	nsubs   atomic.Int32 // subscribers to every event, read by the kernel without subsMu (quiet.go)
	keepers int          // subscribers that may keep events (Subscribe, not Watch)
	evFree  stock[Event] // records to reuse when no subscriber keeps events
	summary func(*Event) string
	tagger  func(*Event) string
	scratch Event
	free    stock[item]
	timer   *time.Timer
	connSeq uint64
	rnd     *rand.Rand
	faults  *rand.Rand // links' behaviours draw from it (fault.go)
	rands   randPool   // the hosts' sources' state (rand.go)
}

// New returns an empty world.
func New(cfg Config) *World {
	if cfg.Epoch.IsZero() {
		cfg.Epoch = DefaultEpoch
	}
	if cfg.StallTimeout == 0 {
		cfg.StallTimeout = 10 * time.Second
	}
	if cfg.MSS == 0 {
		cfg.MSS = 1460
	}
	if cfg.Window == 0 {
		cfg.Window = 65535
	}
	w := &World{
		cfg:      cfg,
		running:  map[int64]*waiter{},
		quiet:    make(chan struct{}, 1),
		kickCh:   make(chan struct{}, 1),
		nodes:    map[string]*node{},
		byAddr:   map[netip.Addr]*Host{},
		links:    map[string]*Link{},
		routeGen: 1,
		trees:    map[*node]*spt{},
	}
	w.idle = sync.NewCond(&w.mu)
	w.rnd = w.newRand("world")
	return w
}

// Now is the current virtual time, measured from the start of the run.
func (w *World) Now() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

// Epoch is the wall-clock instant virtual time 0 stands for.
func (w *World) Epoch() time.Time { return w.cfg.Epoch }

// Subscribe registers fn to receive every event, in order, on the
// kernel's goroutine. fn must not block on the simulation.
func (w *World) Subscribe(fn func(*Event)) { w.subscribe(subscriber{fn: fn}, true) }

// Watch registers fn like Subscribe, for a subscriber that is done with
// an event when fn returns: it keeps neither the *Event nor its Payload
// (strings may be kept). While every subscriber watches, the world
// reuses event records, so a traced run allocates none per hop.
func (w *World) Watch(fn func(*Event)) { w.subscribe(subscriber{fn: fn}, false) }

// WatchSteps registers fn like Watch, for the message steps only
// (KindStep). While nobody subscribes to every event, the world builds no
// hop or note events at all: a story costs what a quiet run does.
func (w *World) WatchSteps(fn func(*Event)) { w.subscribe(subscriber{fn: fn, steps: true}, false) }

type subscriber struct {
	fn    func(*Event)
	steps bool // steps only
}

func (w *World) subscribe(s subscriber, keeps bool) {
	w.subsMu.Lock()
	defer w.subsMu.Unlock()
	w.subs = append(w.subs, s)
	if keeps {
		w.keepers++
	}
	if !s.steps {
		w.nsubs.Add(1)
	}
}

// SetSummarizer installs the function that writes each event's one-line
// summary (protocol-aware, e.g. "MX? comentum.com"). It is called once per
// segment, on the kernel goroutine.
func (w *World) SetSummarizer(fn func(*Event) string) { w.summary = fn }

// ErrStopped is returned by drivers after Stop or Close.
var ErrStopped = errors.New("sim: world stopped")

// Stop ends the run: drivers return ErrStopped. The world's goroutines
// stay parked where they are; Close ends them.
func (w *World) Stop() {
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
	w.kick()
}

// step runs the earliest item if it is due by limit. It reports whether
// it ran one. w.mu must be held.
func (w *World) step(limit time.Duration) (bool, error) {
	if w.err != nil {
		return false, w.err
	}
	if w.stopped {
		return false, ErrStopped
	}
	if len(w.items) == 0 || w.items[0].at > limit {
		w.settle(limit)
		return false, nil
	}
	it := heapPop(&w.items)
	if it.at > w.now {
		w.now = it.at
	}
	do := *it
	w.free.keep(it)
	w.run(&do)
	if err := w.waitQuiet(); err != nil {
		w.failLocked(err)
		return true, err
	}
	w.flush()
	return true, w.err
}

// flush hands pending events to subscribers, in order, without w.mu.
func (w *World) flush() {
	for len(w.pending) > 0 {
		evs := w.pending
		w.pending = nil
		w.mu.Unlock()
		w.subsMu.Lock()
		subs, reuse := w.subs, w.keepers == 0
		w.subsMu.Unlock()
		for _, e := range evs {
			for _, s := range subs {
				if !s.steps || e.Kind == KindStep {
					s.fn(e)
				}
			}
		}
		w.mu.Lock()
		if reuse {
			for i, e := range evs {
				w.evFree.keep(e)
				evs[i] = nil
			}
			if w.pending == nil {
				w.pending = evs[:0]
			}
		}
	}
}

// newEvent is a blank event record, reused if one is free. w.mu must
// be held.
func (w *World) newEvent() *Event { return w.evFree.take() }

// A stock keeps records done with, blank, to be taken again: the kernel
// makes one item, event or packet after another, all run long. It is
// only touched with w.mu held.
type stock[T any] []*T

// take returns a blank record: a kept one, or a new one.
func (s *stock[T]) take() *T {
	if n := len(*s); n > 0 {
		p := (*s)[n-1]
		*s = (*s)[:n-1]
		return p
	}
	return new(T)
}

// takeSlab is take for records that always come back (the kernel's
// items): it makes them a slab at a time. A run keeps as many as it ever
// had queued at once (at 1×, 32,000); in slabs they are a few hundred
// objects for the collector to mark, not tens of thousands. Events and
// packets can be kept by others (the window, a UDP queue), and one kept
// record would keep its whole slab.
func (s *stock[T]) takeSlab() *T {
	if len(*s) == 0 {
		slab := make([]T, stockSlab)
		for i := range slab {
			*s = append(*s, &slab[len(slab)-1-i])
		}
	}
	return s.take()
}

// stockSlab is how many records takeSlab makes at a time.
const stockSlab = 64

// keep blanks p and keeps it for take.
func (s *stock[T]) keep(p *T) {
	var blank T
	*p = blank
	*s = append(*s, p)
}

// RunUntil runs the simulation as fast as possible until virtual time t,
// then leaves the clock at t.
func (w *World) RunUntil(t time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.enterDriver() {
		return ErrStopped
	}
	defer w.leaveDriver()
	if err := w.startLocked(); err != nil {
		return err
	}
	w.flush()
	w.driving, w.limit, w.stepping = true, t, false
	defer func() { w.driving = false }()
	for {
		ran, err := w.step(t)
		if err != nil {
			return err
		}
		if !ran {
			break
		}
	}
	if t > w.now {
		w.now = t
	}
	return nil
}

// Step runs the simulation until at least one event has been emitted, or
// nothing is left to do. It reports whether an event was emitted.
func (w *World) Step() (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.enterDriver() {
		return false, ErrStopped
	}
	defer w.leaveDriver()
	if err := w.startLocked(); err != nil {
		return false, err
	}
	before := w.evSeq
	w.driving, w.limit, w.stepping, w.stepFrom = true, maxDuration, true, before
	defer func() { w.driving = false }()
	for w.evSeq == before {
		ran, err := w.step(maxDuration)
		if err != nil || !ran {
			return w.evSeq != before, err
		}
	}
	return true, nil
}

// NextAt reports when the next scheduled item is due, if any.
func (w *World) NextAt() (time.Duration, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.items) == 0 {
		return 0, false
	}
	return w.items[0].at, true
}

const maxDuration = time.Duration(1<<63 - 1)

// startLocked lets goroutines started before the first run settle.
func (w *World) startLocked() error {
	if !w.built {
		if err := w.buildLocked(); err != nil {
			return err
		}
	}
	return w.waitQuiet()
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%d.%06ds", d/time.Second, (d%time.Second)/time.Microsecond)
}

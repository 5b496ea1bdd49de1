package sim

import (
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"
)

// item is one thing the kernel does at a virtual time: deliver a segment,
// fire a timer, hand control to a goroutine.
type item struct {
	at  time.Duration
	seq uint64
	// One of these says what to do; the typed ones spare the hot paths a
	// closure allocation.
	fn    func()
	wake  *waiter // hand control to this goroutine
	emit  *Event  // publish this hop event
	pkt   *packet // this packet reaches the far end of link
	link  *Link
	timer *pendingRead // a read deadline may have passed
}

// itemHeap orders the kernel's items by (at, seq), a 4-ary heap whose
// entries carry their keys: comparisons read no item, so a heap of a
// million items costs a few cache misses per operation, not dozens.
type itemHeap []heapEntry

type heapEntry struct {
	at  time.Duration
	seq uint64
	it  *item
}

func (a *heapEntry) before(b *heapEntry) bool {
	return a.at < b.at || (a.at == b.at && a.seq < b.seq)
}

func (h *itemHeap) push(it *item) {
	*h = append(*h, heapEntry{it.at, it.seq, it})
	s := *h
	i := len(s) - 1
	e := s[i]
	for i > 0 {
		p := (i - 1) / 4
		if !e.before(&s[p]) {
			break
		}
		s[i] = s[p]
		i = p
	}
	s[i] = e
}

func heapPop(h *itemHeap) *item {
	s := *h
	top := s[0].it
	n := len(s) - 1
	last := s[n]
	s[n] = heapEntry{}
	s = s[:n]
	*h = s
	if n > 0 {
		s.down(0, last)
	}
	return top
}

// down puts e at i, or as far below as its order takes it.
func (s itemHeap) down(i int, e heapEntry) {
	n := len(s)
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		for k := c + 1; k < c+4 && k < n; k++ {
			if s[k].before(&s[m]) {
				m = k
			}
		}
		if !s[m].before(&e) {
			break
		}
		s[i] = s[m]
		i = m
	}
	s[i] = e
}

// heapify orders s as a heap, from the last parent up.
func (s itemHeap) heapify() {
	if len(s) < 2 {
		return
	}
	for i := (len(s) - 2) / 4; i >= 0; i-- {
		s.down(i, s[i])
	}
}

// waiter is a goroutine blocked on a sim primitive, and while it holds
// control, its entry in w.running.
type waiter struct {
	gid  int64
	verb string  // what it does to what, for stall reports: "read " +
	of   labeler // "host 1.2.3.4:25 ⇄ …", spelt out only when reported
	ch   chan struct{}
	done bool
	// baton: the goroutine held control when it blocked, so it may run
	// the kernel's next items itself (see batonRun).
	baton bool
}

func (wt *waiter) String() string {
	if wt.of == nil {
		return wt.verb
	}
	return wt.of.label(wt.verb)
}

// A labeler names what a goroutine waits on, for stall reports. Most
// waits are never reported, so the words are put together only then.
type labeler interface{ label(verb string) string }

// schedule queues fn at virtual time at. w.mu must be held.
func (w *World) schedule(at time.Duration, fn func()) { w.push(at).fn = fn }

// push queues an empty item at virtual time at, for the caller to fill
// in. w.mu must be held.
func (w *World) push(at time.Duration) *item {
	if at < w.now {
		at = w.now
	}
	w.seq++
	it := w.free.takeSlab()
	it.at, it.seq = at, w.seq
	w.items.push(it)
	return it
}

// run does what an item says.
func (w *World) run(it *item) {
	switch {
	case it.wake != nil:
		w.wakeNow(it.wake)
	case it.emit != nil:
		if !w.closing {
			w.emit(it.emit)
		}
	case it.pkt != nil:
		if !w.closing { // in flight when the world closed: gone
			w.arrive(it.pkt, it.link)
		}
	case it.timer != nil:
		w.fire(it.timer)
	default:
		it.fn()
	}
}

// newWaiter registers the calling goroutine as about to block, giving
// control back to the kernel. w.mu must be held.
func (w *World) newWaiter(verb string, of labeler) *waiter {
	gid := goid()
	wt := &waiter{gid: gid, verb: verb, of: of, ch: w.signal()}
	w.flushWrites()
	if w.stopRunning(gid) {
		wt.baton = true // wait signals the driver, or runs the kernel itself
	}
	return wt
}

// wait releases w.mu, blocks until wt is woken, and takes w.mu again.
func (w *World) wait(wt *waiter) {
	if wt.baton {
		if w.batonRun(wt) {
			<-wt.ch // the wake-up it sent itself
			w.woken(wt)
			return // woken by an item it ran itself: no switch at all
		}
		w.signalIfQuiet()
	}
	w.parked++
	w.mu.Unlock()
	<-wt.ch
	w.mu.Lock()
	w.parked--
	w.woken(wt)
}

// woken ends a wait: its channel is free again.
func (w *World) woken(wt *waiter) {
	w.signals = append(w.signals, wt.ch)
	wt.ch = nil
}

// stopRunning forgets that gid holds control, if it did. Its last
// waiter's label goes too: nothing reports that waiter any more, and
// whatever still points at it (a wake-up item far off) should not keep
// the conn the label names alive.
func (w *World) stopRunning(gid int64) bool {
	wt, ok := w.running[gid]
	if ok {
		delete(w.running, gid)
		wt.of = nil
	}
	return ok
}

// batonRun lets a goroutine that has just given up control run the
// kernel's next items itself, while a driver is running, instead of
// waking the driver to do it: one goroutine switch per hand-off instead of
// two. It stops as soon as an item hands control to some goroutine (or a
// spawned one must start), when the driver's limit is reached, or on
// error. It reports whether wt itself was woken. w.mu must be held.
func (w *World) batonRun(wt *waiter) bool {
	if !w.driving || w.baton {
		return false
	}
	w.baton = true
	defer func() { w.baton = false }()
	for len(w.running) == 0 && w.tokens == 0 && w.err == nil && !w.stopped &&
		len(w.items) > 0 && w.items[0].at <= w.limit && !(w.stepping && w.evSeq != w.stepFrom) {
		it := heapPop(&w.items)
		if it.at > w.now {
			w.now = it.at
		}
		do := *it
		w.free.keep(it)
		w.run(&do)
		w.progress++
		if wt.done {
			return true
		}
		if len(w.running) > 0 || w.tokens > 0 {
			return false
		}
		w.flush()
	}
	return false
}

// wakeLater schedules wt to be handed control at virtual time at. Waking
// is always a kernel step of its own, so only one woken goroutine runs at
// a time. w.mu must be held.
func (w *World) wakeLater(wt *waiter, at time.Duration) {
	w.push(at).wake = wt
}

func (w *World) wake(wt *waiter) { w.wakeLater(wt, w.now) }

// wakeNow hands control to wt. Only the kernel calls it, from an item.
func (w *World) wakeNow(wt *waiter) {
	if wt.done {
		return
	}
	wt.done = true
	w.running[wt.gid] = wt
	wt.ch <- struct{}{} // never blocks: one send, into a buffer of one
}

// signal returns a channel to wake a waiter by: one of one buffered
// slot, which wait hands back empty for the next waiter. A goroutine
// blocks once per network operation, so this spares an allocation each
// time. w.mu must be held.
func (w *World) signal() chan struct{} {
	if n := len(w.signals); n > 0 {
		ch := w.signals[n-1]
		w.signals = w.signals[:n-1]
		return ch
	}
	return make(chan struct{}, 1)
}

// hold makes a goroutine the kernel did not hand control to (a library's
// fresh goroutine, or one outside the simulation such as a bridge to a
// real socket) wait for its turn, so it never runs alongside the current
// one. Such a goroutine holds control only for the one operation: call
// the returned func when it ends. w.mu must be held.
func (w *World) hold(verb string, of labeler) (done func()) {
	gid := goid()
	if _, ok := w.running[gid]; ok || w.closed {
		return noop // a closed world runs nothing: no turn to wait for
	}
	wt := &waiter{gid: gid, verb: verb, of: of, ch: w.signal()}
	w.wake(wt)
	w.kick()
	w.wait(wt)
	return func() { w.release(gid) }
}

func noop() {}

var debugSlow = os.Getenv("MAILSIM_DEBUG_SLOW") != ""

// release forgets that gid holds control: it is about to exit.
func (w *World) release(gid int64) {
	w.flushWrites()
	if w.stopRunning(gid) {
		w.signalIfQuiet()
	}
}

// flushWrites sends the bytes written during the current turn.
func (w *World) flushWrites() {
	for _, c := range w.dirty {
		if len(c.unsent) > 0 && !c.closed {
			c.push()
		}
	}
	w.dirty = w.dirty[:0]
}

func (w *World) signalIfQuiet() {
	if len(w.running) == 0 && w.tokens == 0 && !w.baton {
		select {
		case w.quiet <- struct{}{}:
		default:
		}
	}
}

// kick wakes a paced driver sleeping until its next item, because an
// outside goroutine just scheduled something.
func (w *World) kick() {
	select {
	case w.kickCh <- struct{}{}:
	default:
	}
}

// spawnLocked starts fn as a goroutine the kernel hands control to at
// virtual time at. w.mu must be held. The goroutine itself is created
// only when its time comes: a timeline of 100,000 actions would
// otherwise park 100,000 goroutines from the start, whose stacks every
// collection scans.
func (w *World) spawnLocked(at time.Duration, name string, fn func()) {
	if w.closing {
		return // a closed world starts nothing
	}
	w.schedule(at, func() { w.launch(name, fn) })
}

// launch runs fn in a goroutine of its own and hands it control. Only
// the kernel calls it, from an item.
func (w *World) launch(name string, fn func()) {
	if w.closing {
		return // a closing world starts nothing
	}
	w.tokens++
	j := job{name: name, fn: fn, ch: w.signal()}
	var wk *worker
	if n := len(w.workers); n > 0 {
		wk = w.workers[n-1]
		w.workers = w.workers[:n-1]
		wk.jobs <- j // buffered: the worker waits for it
	} else {
		wk = &worker{jobs: make(chan job, 1), start: make(chan *waiter, 1)}
		go w.work(wk, j)
	}
	// Wait for the goroutine to register, then hand it control.
	w.wakeNow(<-wk.start)
}

// A worker is a goroutine that runs launched functions one after another.
// A fresh goroutine for each would have to grow its stack again as it
// goes deep (a DNS answer being packed, a message being composed): some
// 4% of a large run's time. Which goroutine runs fn changes nothing the
// simulation does.
type worker struct {
	jobs  chan job
	start chan *waiter
}

type job struct {
	name string
	fn   func()
	ch   chan struct{} // its waiter's wake-up channel
}

// work runs j, then waits among w.workers for the next job, until the
// world closes.
func (w *World) work(wk *worker, j job) {
	for w.runJob(wk, j) {
		w.mu.Lock()
		if w.closing {
			w.mu.Unlock()
			return
		}
		w.workers = append(w.workers, wk)
		w.mu.Unlock()
		var ok bool
		if j, ok = <-wk.jobs; !ok {
			return // Close
		}
	}
}

// runJob registers the goroutine for j, waits for control, and runs
// j.fn. It reports whether the goroutine may run another job: not after
// a panic, nor once the world is closing.
func (w *World) runJob(wk *worker, j job) (again bool) {
	gid := goid()
	wt := &waiter{gid: gid, verb: j.name, ch: j.ch}
	wk.start <- wt // buffered: launch is waiting for it
	w.mu.Lock()
	w.tokens--
	w.signalIfQuiet()
	w.wait(wt)
	if w.closing { // closed before its time came: never runs
		w.release(gid)
		w.mu.Unlock()
		return false
	}
	w.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			again = false
			w.mu.Lock()
			w.failLocked(fmt.Errorf("goroutine %q panicked: %v", j.name, r))
			w.mu.Unlock()
		}
		w.mu.Lock()
		w.release(gid)
		w.mu.Unlock()
	}()
	j.fn()
	return true
}

func (w *World) failLocked(err error) {
	if w.err == nil {
		w.err = err
	}
}

// Go starts fn now, as a goroutine of the simulation.
func (w *World) Go(name string, fn func()) { w.GoAfter(0, name, fn) }

// GoAfter starts fn after d of virtual time, as a goroutine of the
// simulation. Until then nothing of it runs or waits.
func (w *World) GoAfter(d time.Duration, name string, fn func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.spawnLocked(w.now+d, name, fn)
	w.kick()
}

// At starts fn at virtual time t (measured from the start of the run), as
// a goroutine of the simulation. Scenario timelines use it.
func (w *World) At(t time.Duration, name string, fn func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.spawnLocked(t, name, fn)
	w.kick()
}

// sleep blocks the calling goroutine for d of virtual time. In a closing
// world it never returns: the goroutine ends (runtime.Goexit, deferred
// calls run), since a sleeper has no error to see and would loop.
func (w *World) sleep(d time.Duration, what string) {
	w.mu.Lock()
	if !w.closing {
		done := w.hold(what, nil)
		wt := w.newWaiter(what, nil)
		w.wakeLater(wt, w.now+d)
		w.wait(wt)
		done()
	}
	closing := w.closing
	w.mu.Unlock()
	if closing {
		runtime.Goexit()
	}
}

// StallError reports goroutines that were handed control and never gave
// it back by blocking on a sim primitive, and accepted conns nobody
// touched.
type StallError struct {
	At         time.Duration
	Goroutines []string
	Untouched  int // accepted conns no goroutine touched
	Unstarted  int // goroutines launched that never registered
}

func (e *StallError) Error() string {
	var parts []string
	if len(e.Goroutines) > 0 {
		parts = append(parts, strings.Join(e.Goroutines, "; ")+" never blocked on a simulated conn, listener, timer or queue (a plain channel, mutex or busy loop hides it from the kernel)")
	}
	if e.Unstarted > 0 {
		parts = append(parts, fmt.Sprintf("%d goroutine(s) started by the kernel never took their turn", e.Unstarted))
	}
	if e.Untouched > 0 {
		parts = append(parts, fmt.Sprintf("%d accepted connection(s) never touched: the kernel waits for the goroutine that serves one to touch it first (serve it with a plain go statement, as go-smtp does; Host.Go starts only after that wait)", e.Untouched))
	}
	if len(parts) == 0 {
		parts = append(parts, "a goroutine running the kernel's items never finished them")
	}
	return fmt.Sprintf("simulation stalled at %s: %s", fmtDur(e.At), strings.Join(parts, "; "))
}

// waitQuiet blocks until every goroutine the last step woke is blocked
// again on a sim primitive. w.mu must be held.
func (w *World) waitQuiet() error {
	checked := false
	var stallStart time.Time
	defer w.flushWrites()
	progress := w.progress
	for len(w.running) > 0 || w.tokens > 0 || w.baton {
		w.mu.Unlock()
		quiet := w.waitQuietSignal(checked, &stallStart)
		w.mu.Lock()
		if quiet {
			continue
		}
		if w.progress != progress {
			// Goroutines are passing the baton: not a stall.
			progress, checked, stallStart = w.progress, false, time.Time{}
			continue
		}
		if !checked {
			// Slow path: maybe a goroutine holding control simply exited.
			checked = true
			live := liveGoroutines()
			for gid, g := range w.running {
				if !live[gid] {
					if debugSlow {
						println("exited without release:", g.String())
					}
					delete(w.running, gid)
				}
			}
			if debugSlow {
				for _, g := range w.running {
					println("still running:", g.String())
				}
				println("tokens", w.tokens)
			}
			continue
		}
		var names []string
		for _, g := range w.running {
			names = append(names, g.String())
		}
		sort.Strings(names)
		return &StallError{At: w.now, Goroutines: names, Untouched: w.untouched, Unstarted: w.tokens - w.untouched}
	}
	return nil
}

// newRand returns a seeded source derived from the world seed and a name,
// so each host's randomness is independent of every other host's.
func (w *World) newRand(name string) *rand.Rand {
	return rand.New(rand.NewSource(w.cfg.Seed ^ int64(fnv64(name))))
}

package sim

import (
	"fmt"
	"time"
)

// readTimer is a conn's read-deadline timer. Servers set a new deadline
// before every read (go-smtp: now+5m), so a timer item per blocked read
// would fill the kernel's queue with stale items. Instead each conn keeps
// at most one pending item; when it fires and the deadline has moved
// later, it re-arms itself for the new one. The item sees the conn only
// through a pendingRead that stop cuts, so a closed conn is not kept in
// memory until its last deadline (minutes of virtual time) comes.
type readTimer struct {
	p *pendingRead // the pending item's, or nil
}

type pendingRead struct {
	at     time.Duration
	reader blocked // nil once superseded, fired or stopped
}

// blocked is a conn that may have a reader waiting on it.
type blocked interface{ blockedReader() *waiter }

func (c *tcpConn) blockedReader() *waiter { return c.reader }
func (c *udpConn) blockedReader() *waiter { return c.reader }

// arm makes sure a timer item fires by d. reader tells the waiter
// blocked on the conn when it fires, if any. w.mu must be held.
func (t *readTimer) arm(w *World, d deadline, reader blocked) {
	if !d.set || (t.p != nil && t.p.reader != nil && t.p.at <= d.at) {
		return
	}
	t.stop(w) // superseded by an earlier timer
	p := &pendingRead{at: d.at, reader: reader}
	t.p = p
	w.push(p.at).timer = p
}

// fire runs a timer's item: the reader blocked on its conn, if any, sees
// its deadline passed. w.mu must be held.
func (w *World) fire(p *pendingRead) {
	if p.reader == nil {
		w.stale-- // stopped, and not yet dropped by compact
		return
	}
	r := p.reader.blockedReader()
	p.reader = nil
	if r == nil {
		return // nobody is blocked; the next read arms a timer again
	}
	if w.now >= p.at {
		w.wakeNow(r) // the read sees its deadline passed and fails
	}
}

// stop forgets the pending item, if any: it will do nothing when it
// comes. Servers set deadlines minutes ahead and close their conns long
// before, so most of the queue would soon be such items: once they are
// half of it, compact drops them. w.mu must be held.
func (t *readTimer) stop(w *World) {
	p := t.p
	if p == nil {
		return
	}
	t.p = nil
	if p.reader == nil {
		return // fired: its item is gone
	}
	p.reader = nil
	w.stale++
	if w.stale >= compactMin && 2*w.stale >= len(w.items) {
		w.compact()
	}
}

// compactMin is how many stopped timers the queue may hold before it is
// compacted at all: below that, compacting costs more than it saves.
const compactMin = 1024

// compact drops the items of stopped timers from the queue. Items come
// out by (at, seq) alone, so the others keep their order. A dropped item
// would have moved the clock when it came out: once the queue runs dry,
// the clock still goes to the last of them (settle). w.mu must be held.
func (w *World) compact() {
	s := w.items
	n := 0
	for _, e := range s {
		if p := e.it.timer; p != nil && p.reader == nil {
			w.dropped = max(w.dropped, e.at)
			w.free.keep(e.it)
			continue
		}
		s[n] = e
		n++
	}
	clear(s[n:])
	w.items = s[:n]
	w.items.heapify()
	w.stale = 0
}

// timeouts are a conn's deadlines, in virtual time.
type timeouts struct {
	rdl    deadline
	wdl    deadline
	rtimer readTimer
}

// set applies SetDeadline (r and wr), SetReadDeadline or
// SetWriteDeadline on the conn of. A reader blocked now is woken to
// look again. w.mu must be held.
func (o *timeouts) set(w *World, of labeler, t time.Time, r, wr bool, reader *waiter) {
	if fromWallClock(t) && !fromWallClock(w.cfg.Epoch) {
		// Only time.Now() gives a time a monotonic reading: a library
		// reached the conn without env.WallClockConn. Taken as virtual
		// time, its deadline would be off by today minus the epoch.
		w.failLocked(fmt.Errorf("sim: %s: deadline %s comes from the wall clock (a time.Now deadline); wrap the conn handed to the library in env.WallClockConn", of.label(""), t.Round(0).Format(time.RFC3339)))
	}
	d := w.deadlineAt(t)
	if r {
		o.rdl = d
		if reader != nil {
			w.wake(reader)
		}
	}
	if wr {
		o.wdl = d
	}
}

// deadlineAt is the virtual time a conn deadline t stands for. t is on
// the virtual clock (Host.Now, Host.Deadline), exactly; a library that
// computes deadlines from the wall clock gets them converted before they
// reach the conn (Host.WallDeadline). A t already past fails at once.
func (w *World) deadlineAt(t time.Time) deadline {
	if t.IsZero() {
		return deadline{}
	}
	at := t.Sub(w.cfg.Epoch)
	if at < w.now {
		at = w.now
	}
	return deadline{set: true, at: at}
}

// fromWallClock reports whether t carries a monotonic clock reading,
// which only time.Now() (and times computed from it) have.
func fromWallClock(t time.Time) bool { return t != t.Round(0) }

// settle moves the clock, once the queue has run dry, to the last item
// compact dropped, as running those items would have, if limit allows:
// Step and Close leave the clock where they did before compaction.
// w.mu must be held.
func (w *World) settle(limit time.Duration) {
	if len(w.items) == 0 && w.dropped > w.now && w.dropped <= limit {
		w.now = w.dropped
	}
}

package sim

import (
	"fmt"
	"net"
)

// enterDriver registers a RunUntil or Step call, unless the world is
// closing. w.mu must be held.
func (w *World) enterDriver() bool {
	if w.closing {
		return false
	}
	w.drivers++
	return true
}

// leaveDriver ends a driver call and lets a waiting Close go on. w.mu
// must be held.
func (w *World) leaveDriver() {
	w.drivers--
	if w.drivers == 0 {
		w.idle.Broadcast()
	}
}

// startPaced lets goroutines started before the first run settle, for
// the paced driver, which holds no lock between its runs.
func (w *World) startPaced() error {
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
	return nil
}

// Close ends the world: drivers stop (returning ErrStopped), every
// listener, connection and socket is closed, and every goroutine of the
// world is run to its end, one at a time as always. Blocked reads,
// accepts and dials fail with net.ErrClosed; a goroutine that sleeps
// ends there (runtime.Goexit, its deferred calls run); goroutines
// scheduled for later end without running. Nothing more reaches the
// network or the subscribers. It returns an error when some goroutine
// does not end (it stalls), and nil when called again.
//
// Call it from outside the simulation, never from one of its goroutines
// or a subscriber.
func (w *World) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closing {
		return nil
	}
	w.stopped, w.closing = true, true
	w.kick()
	for w.drivers > 0 {
		w.idle.Wait() // a driver in another goroutine sees stopped and returns
	}
	for _, n := range w.order {
		if n.host != nil {
			n.host.closeAll()
		}
	}
	w.pending = nil
	err := w.drain()
	for _, wk := range w.workers {
		close(wk.jobs)
	}
	w.workers, w.packets, w.signals = nil, nil, nil
	w.rands.setAside()
	w.closed = true
	w.items, w.free, w.pending, w.dirty, w.evFree = nil, nil, nil, nil, nil
	w.stale, w.untouched = 0, 0
	w.subsMu.Lock()
	w.subs = nil
	w.subsMu.Unlock()
	if w.timer != nil {
		w.timer.Stop()
	}
	if err == nil && w.parked > 0 {
		err = fmt.Errorf("sim: %d goroutine(s) still blocked after close, with nothing left to wake them", w.parked)
	}
	return err
}

// drain runs every item left, whatever its time, until no goroutine of
// the world is left to run. w.mu must be held.
func (w *World) drain() error {
	for {
		if err := w.waitQuiet(); err != nil {
			return err
		}
		w.pending = nil
		if len(w.items) == 0 {
			w.settle(maxDuration)
			return nil
		}
		it := heapPop(&w.items)
		if it.at > w.now {
			w.now = it.at
		}
		do := *it
		*it = item{}
		w.run(&do)
	}
}

// closeAll closes every socket of h without a word on the network,
// waking whoever is blocked on one. w.mu must be held.
func (h *Host) closeAll() {
	w := h.w
	for _, l := range h.listeners {
		l.closed = true
		l.backlog = nil
		if l.acceptor != nil {
			w.wake(l.acceptor)
		}
	}
	for _, c := range h.tcp {
		c.closed = true
		c.unsent = nil
		if c.rerr == nil {
			c.rerr = net.ErrClosed // a dial in progress fails with it
		}
		c.wakeAll()
	}
	for _, c := range h.udp {
		c.closed = true
		if c.reader != nil {
			w.wake(c.reader)
		}
	}
	clear(h.listeners)
	clear(h.tcp)
	clear(h.udp)
}

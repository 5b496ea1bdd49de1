package sim

// A world nobody subscribes to (mailsim run --quiet, mailsim test) still
// numbers its events, so Step, EventCount and any later subscriber see
// the same sequence, but it builds no Event values and no summaries:
// those were a fifth of what a large quiet run allocated.

// unheard stands for a hop event nobody will read: emit only counts it.
var unheard Event

// heard reports whether anyone reads events.
func (w *World) heard() bool { return w.nsubs.Load() > 0 }

// EventCount is the number of events emitted so far.
func (w *World) EventCount() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.evSeq
}

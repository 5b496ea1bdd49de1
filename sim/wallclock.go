package sim

import (
	"context"
	"runtime"
	"time"
)

// This file is the only place in sim/ that reads the wall clock, for three
// reasons, each marked: converting deadlines that libraries compute from
// the wall clock, the stall watchdog, and the paced driver. None of them
// changes what the trace says.

// librarySlack is how much wall time may pass between a library's
// time.Now() and WallDeadline for the deadline still to be matched to
// one of the library's timeouts. Only a thread descheduled for that long
// in between could miss.
const librarySlack = time.Second

// WallDeadline converts a deadline a library computed from the wall clock,
// time.Now().Add(d) with d one of timeouts (go-smtp, miekg/dns), into one
// on this host's virtual clock: d of virtual time from now. d is measured
// against the wall clock here and matched to the timeout it came from, so
// the microseconds between the library's time.Now() and this call never
// reach the trace. A deadline that is none of them (a context's, say) is
// rounded to 10ms instead. The zero time (no deadline) stays zero.
func (h *Host) WallDeadline(t time.Time, timeouts ...time.Duration) time.Time {
	if t.IsZero() {
		return t
	}
	d := time.Until(t) // wall clock: library deadlines
	return h.Now().Add(matchTimeout(d, timeouts))
}

// matchTimeout is the smallest of timeouts that d can be, given that d
// only shrinks by the wall time that passed (less than librarySlack);
// failing that, d rounded to 10ms and no less than 0.
func matchTimeout(d time.Duration, timeouts []time.Duration) time.Duration {
	best, found := time.Duration(0), false
	for _, k := range timeouts {
		if k >= d && k-d < librarySlack && (!found || k < best) {
			best, found = k, true
		}
	}
	if found {
		return best
	}
	d = d.Round(10 * time.Millisecond)
	if d < 0 {
		d = 0
	}
	return d
}

// waitQuietSignal waits for the quiet signal. The first wait is short:
// when it runs out, the caller checks whether a goroutine holding control
// has simply exited. After that it waits up to the stall timeout.
func (w *World) waitQuietSignal(checked bool, since *time.Time) bool {
	if since.IsZero() {
		*since = time.Now() // wall clock: stall watchdog
	}
	limit := 25 * time.Millisecond
	if checked {
		limit = w.cfg.StallTimeout - time.Since(*since)
		if limit <= 0 {
			return false
		}
	}
	// Most waits end within microseconds: yield a few times before
	// arming a timer, so the woken goroutine can run on this thread.
	for i := 0; i < 10; i++ {
		select {
		case <-w.quiet:
			return true
		default:
			runtime.Gosched()
		}
	}
	if w.timer == nil {
		w.timer = time.NewTimer(limit) // wall clock: stall watchdog
	} else {
		w.timer.Reset(limit)
	}
	defer w.timer.Stop()
	select {
	case <-w.quiet:
		return true
	case <-w.timer.C:
		return false
	}
}

// Pace runs the simulation in real time: virtual time advances at speed
// times the wall clock (speed 1 is real time, 10 is ten times faster).
// It returns when ctx ends, Stop is called, or an error occurs. Speed can
// be changed while it runs with SetSpeed.
func (w *World) Pace(ctx context.Context, speed float64) error {
	w.SetSpeed(speed)
	if err := w.startPaced(); err != nil {
		return err
	}
	anchorWall := time.Now() // wall clock: paced driver
	anchorVirt := w.Now()
	anchorSpeed := w.Speed()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		sp := w.Speed()
		if sp != anchorSpeed { // re-anchor so a speed change never jumps
			anchorVirt = w.Now()
			anchorWall = time.Now() // wall clock: paced driver
			anchorSpeed = sp
		}
		target := anchorVirt + time.Duration(float64(time.Since(anchorWall))*sp)
		if err := w.RunUntil(target); err != nil {
			return err
		}
		wait := 50 * time.Millisecond
		if next, ok := w.NextAt(); ok {
			if d := time.Duration(float64(next-target) / sp); d < wait {
				wait = d
			}
		}
		if wait < 0 {
			wait = 0
		}
		t := time.NewTimer(wait) // wall clock: paced driver
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-w.kickCh:
			t.Stop()
		case <-t.C:
		}
	}
}

// SetSpeed sets the paced driver's speed factor (clamped to 0.01…10000).
func (w *World) SetSpeed(s float64) {
	if s < 0.01 {
		s = 0.01
	}
	if s > 10000 {
		s = 10000
	}
	w.mu.Lock()
	w.speed = s
	w.mu.Unlock()
}

// Speed is the paced driver's speed factor.
func (w *World) Speed() float64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.speed == 0 {
		return 1
	}
	return w.speed
}

package sim

import (
	"fmt"
	"math/rand"
	"time"
)

// LinkBehaviour is a fault a link adds to the packets crossing it, as
// natlab's middleboxes plug into its network: the kernel asks each of a
// link's behaviours about every packet and knows nothing of their kinds.
type LinkBehaviour interface {
	// Cross decides the fate of one packet crossing the link in one
	// direction: lost, or held extra time beyond the link's latency.
	// r is the world's seeded source, so runs repeat.
	Cross(r *rand.Rand) (lost bool, extra time.Duration)
	// String names the behaviour in a drop's reason: "loss 5%".
	String() string
}

// Loss loses each packet with the given probability (0 to 1).
type Loss float64

// Cross loses the packet with probability l.
func (l Loss) Cross(r *rand.Rand) (bool, time.Duration) { return r.Float64() < float64(l), 0 }

func (l Loss) String() string { return fmt.Sprintf("loss %g%%", float64(l)*100) }

// Jitter delays each packet by a uniform random extra time in [0, J).
// Packets of one direction still arrive in order: a link is a FIFO wire.
type Jitter time.Duration

// Cross draws the packet's extra delay.
func (j Jitter) Cross(r *rand.Rand) (bool, time.Duration) {
	if j <= 0 {
		return false, 0
	}
	return false, time.Duration(r.Int63n(int64(j)))
}

func (j Jitter) String() string { return "jitter " + time.Duration(j).String() }

// SetLinkBehaviours replaces the faults of link l.
func (w *World) SetLinkBehaviours(l *Link, bs ...LinkBehaviour) {
	w.mu.Lock()
	defer w.mu.Unlock()
	l.behaviours = append([]LinkBehaviour(nil), bs...)
	if w.faults == nil {
		w.faults = w.newRand("link faults")
	}
}

// cross asks l's behaviours about one packet: its extra delay, and why
// it is lost ("" if it is not). w.mu held.
func (w *World) cross(l *Link) (extra time.Duration, lost string) {
	for _, b := range l.behaviours {
		gone, d := b.Cross(w.faults)
		extra += d
		if gone && lost == "" {
			lost = fmt.Sprintf("lost on link %s (%s)", l.Name, b)
		}
	}
	return extra, lost
}

// Delay holds every packet a fixed extra time: a link slower than it was
// built, whose routes still count its own latency. Packets keep their
// order, as on any link with behaviours.
type Delay time.Duration

// Cross adds the delay.
func (d Delay) Cross(*rand.Rand) (bool, time.Duration) { return false, time.Duration(d) }

func (d Delay) String() string { return "delay " + time.Duration(d).String() }

// SetLinkBandwidth changes the bits per second of l (0: infinite) for
// packets that start crossing it from now on.
func (w *World) SetLinkBandwidth(l *Link, bps int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	l.Bandwidth = bps
}

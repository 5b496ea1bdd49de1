package sim

import (
	"math/rand"
	"sync"
)

// A host's random source is math/rand's: 4.9 KB of state, and a world
// has thousands of hosts that draw now and then (a TCP connection's
// initial sequence number, a DNS query id, a queue id). The world keeps
// the state of only the sources drawn from lately (randLive, or one
// host in randShare in a larger world, so that how often a source is set
// aside does not grow with the world); a host's source that was set
// aside is seeded again and skips the values it had drawn, so every host draws the very same stream as if
// it had its source all run long. Seeding again costs 9 µs, so a source
// set aside first draws randAhead values for later: most hosts (a PC's
// Send/Recv) draw only a few at a time, and seldom need seeding again.
const (
	randLive  = 256
	randShare = 8
	randAhead = 8
)

// randPool is a world's live host sources.
type randPool struct {
	mu    sync.Mutex
	live  []*hostSource
	limit int // how many may be live
	hand  int // the clock's hand over live: the next to consider setting aside
	// Figures for tests: sources seeded again, values skipped.
	reseeds, skipped uint64
}

// hostSource is a host's rand.Source64; its state lives in the pool.
type hostSource struct {
	pool  *randPool
	seed  int64
	drawn uint64        // values drawn since seeding
	src   rand.Source64 // nil while set aside
	ref   bool          // drawn from since the clock's hand last passed
	// ahead[next:till] are the next values of the stream, drawn when the
	// source was set aside.
	ahead      [randAhead]uint64
	next, till uint8
}

var _ rand.Source64 = (*hostSource)(nil)

// newHostRand is the random source of a host named name: the stream of
// newRand's, with its state kept in the pool.
func (w *World) newHostRand(name string) *rand.Rand {
	w.rands.mu.Lock()
	w.rands.limit = max(randLive, len(w.byAddr)/randShare)
	w.rands.mu.Unlock()
	return rand.New(&hostSource{pool: &w.rands, seed: w.cfg.Seed ^ int64(fnv64(name))})
}

// fnv64 is the FNV-1a hash of s.
func fnv64(s string) uint64 {
	h := uint64(1469598103934665603)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func (s *hostSource) Uint64() uint64 {
	p := s.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	s.drawn++
	if s.next < s.till {
		s.next++
		return s.ahead[s.next-1]
	}
	return s.state().Uint64()
}

// Int63 is Uint64 without its top bit, as math/rand's source has it.
func (s *hostSource) Int63() int64 { return int64(s.Uint64() & (1<<63 - 1)) }

// Seed starts the stream again from seed.
func (s *hostSource) Seed(seed int64) {
	s.pool.mu.Lock()
	defer s.pool.mu.Unlock()
	s.seed, s.drawn, s.next, s.till = seed, 0, 0, 0
	if s.src != nil {
		s.src.Seed(seed)
	}
}

// setAside frees every live source's state, when the world closes.
func (p *randPool) setAside() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, s := range p.live {
		s.src = nil // drawn from again, it would be seeded again
	}
	p.live, p.hand = nil, 0
}

// state is s's live source, brought back if it was set aside, in the
// place of one not drawn from lately when the pool is full.
// p.mu must be held.
func (s *hostSource) state() rand.Source64 {
	p := s.pool
	s.ref = true
	if s.src != nil {
		return s.src
	}
	if len(p.live) < max(p.limit, 1) {
		s.src = rand.NewSource(s.seed).(rand.Source64)
		p.live = append(p.live, s)
	} else {
		// A clock (second chance): the hand passes over sources drawn
		// from since it last came by, and sets aside the first that was
		// not. Scanning the whole pool for the least lately drawn was a
		// cache miss per source, thousands of them in a large world.
		for p.live[p.hand].ref {
			p.live[p.hand].ref = false
			p.hand = (p.hand + 1) % len(p.live)
		}
		k := p.hand
		p.hand = (p.hand + 1) % len(p.live)
		old := p.live[k]
		for i := range old.ahead {
			old.ahead[i] = old.src.Uint64()
		}
		old.next, old.till = 0, randAhead
		s.src, old.src = old.src, nil
		p.live[k] = s
		s.src.Seed(s.seed)
		p.reseeds++
	}
	// The values it drew, less the one being drawn now.
	for range s.drawn - 1 {
		s.src.Uint64()
	}
	p.skipped += s.drawn - 1
	s.next, s.till = 0, 0
	return s.src
}

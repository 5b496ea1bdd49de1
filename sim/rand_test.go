package sim

import (
	"math/rand"
	"testing"
)

// Host sources set aside and brought back draw the very stream of a
// source kept all along, whatever is drawn and however interleaved.
func TestHostRandSameStream(t *testing.T) {
	w := New(Config{Seed: 42})
	const hosts = randLive * 3
	got := make([]*rand.Rand, hosts)
	want := make([]*rand.Rand, hosts)
	for i := range hosts {
		name := "host:h" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		got[i], want[i] = w.newHostRand(name), w.newRand(name)
	}
	pick := rand.New(rand.NewSource(1))
	for n := range 50000 {
		i := pick.Intn(hosts)
		if n%7 == 0 { // a few hosts draw often
			i %= 5
		}
		g, r := got[i], want[i]
		var a, b uint64
		switch n % 5 {
		case 0:
			a, b = uint64(g.Uint32()), uint64(r.Uint32())
		case 1:
			a, b = g.Uint64(), r.Uint64()
		case 2:
			a, b = uint64(g.Intn(1<<16)), uint64(r.Intn(1<<16))
		case 3:
			a, b = uint64(g.Int63()), uint64(r.Int63())
		case 4:
			p, q := make([]byte, 5), make([]byte, 5)
			g.Read(p)
			r.Read(q)
			if string(p) != string(q) {
				t.Fatalf("draw %d, host %d: Read %x, want %x", n, i, p, q)
			}
		}
		if a != b {
			t.Fatalf("draw %d, host %d: %d, want %d", n, i, a, b)
		}
	}
	if p := &w.rands; len(p.live) != randLive || p.reseeds == 0 {
		t.Fatalf("%d sources live, %d seeded again: the pool was not exercised", len(p.live), p.reseeds)
	}
}

//go:build amd64 || arm64 || wasm

package sim

import "unsafe"

// getg returns the current goroutine's runtime g, from thread-local storage.
func getg() unsafe.Pointer

// goidOffset is where the goroutine id sits inside the runtime's g, found
// at start-up by matching the id runtime.Stack prints; -1 if not found.
var goidOffset = findGoidOffset()

func findGoidOffset() int {
	candidates := func() map[int]bool {
		id := slowGoid()
		found := map[int]bool{}
		// The g struct is several hundred bytes; its id is near the start.
		for off := 0; off < 256; off += 8 {
			if gWord(off) == id {
				found[off] = true
			}
		}
		return found
	}
	common := candidates()
	// Confirm on other goroutines, whose ids differ.
	for i := 0; i < 3 && len(common) > 0; i++ {
		ch := make(chan map[int]bool)
		go func() { ch <- candidates() }()
		next := <-ch
		for off := range common {
			if !next[off] {
				delete(common, off)
			}
		}
	}
	if len(common) != 1 {
		return -1
	}
	for off := range common {
		return off
	}
	return -1
}

// goidFast reports whether goid reads the id straight from the g.
func goidFast() bool { return goidOffset >= 0 }

// goid returns the calling goroutine's id. The kernel needs it to know
// whether the goroutine touching a sim primitive is the one it handed
// control to, a fresh one spawned by a library (go-smtp's per-connection
// goroutine), or one outside the simulation.
func goid() int64 {
	if goidOffset < 0 {
		return slowGoid()
	}
	return gWord(goidOffset)
}

// gWord reads the word at off inside the current g. checkptr cannot know
// the runtime's g allocation, hence nocheckptr.
//
//go:nocheckptr
func gWord(off int) int64 {
	return *(*int64)(unsafe.Add(getg(), off))
}

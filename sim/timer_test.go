package sim

import (
	"context"
	"io"
	"math/rand"
	"slices"
	"testing"
	"time"
)

// A server that sets a read deadline far ahead (go-smtp: five minutes), and
// closes the conn long before it comes, leaves a stopped timer in the
// kernel's queue. Thousands of such conns must not leave thousands of
// items queued: compact drops them once they are half the queue.
func TestClosedConnsLeaveNoTimers(t *testing.T) {
	const conns = 3000
	w, client, server := twoISPs(t, 1)
	served := closedConns(t, client, server, conns)
	if err := w.RunUntil(30 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if *served != conns {
		t.Fatalf("%d conns served, want %d", *served, conns)
	}
	w.mu.Lock()
	queued, stale, counted := len(w.items), w.stale, stoppedTimers(w)
	w.mu.Unlock()
	if queued > 2*compactMin || stale > compactMin {
		t.Errorf("after %d closed conns: %d items queued, %d of them stopped timers", conns, queued, stale)
	}
	if stale != counted {
		t.Errorf("the world counts %d stopped timers; the queue holds %d", stale, counted)
	}
	// The rest come out in their own time.
	if err := w.RunUntil(2 * time.Hour); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stale != 0 || stoppedTimers(w) != 0 {
		t.Errorf("after every deadline: %d stopped timers counted, %d queued", w.stale, stoppedTimers(w))
	}
}

// closedConns has client open n conns to server, one after another; the
// server sets a read deadline an hour ahead on each, as go-smtp does
// (five minutes), and closes it after one byte, long before. It counts
// the conns served, and the server stops listening after the last.
func closedConns(t *testing.T, client, server *Host, n int) *int {
	t.Helper()
	ln, err := server.Listen("tcp", ":25")
	if err != nil {
		t.Fatal(err)
	}
	server.Go("server", func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.SetReadDeadline(server.Deadline(time.Hour))
			c.Read(make([]byte, 1))
			c.Close()
		}
	})
	served := new(int)
	client.Go("client", func() {
		for range n {
			c, err := client.Dial(context.Background(), "tcp", "server:25")
			if err != nil {
				t.Error(err)
				return
			}
			c.Write([]byte{1})
			io.Copy(io.Discard, c) // until the server closes
			c.Close()
			*served++
		}
		ln.Close()
	})
	return served
}

// stoppedTimers counts the items of stopped timers in w's queue.
func stoppedTimers(w *World) int {
	n := 0
	for _, e := range w.items {
		if p := e.it.timer; p != nil && p.reader == nil {
			n++
		}
	}
	return n
}

// Dropping stopped timers does not move the clock: stepped until
// nothing is left, a world ends at the time of its last item, dropped
// or not, as it did when every one of them came out in turn.
func TestStepEndsAtLastDroppedTimer(t *testing.T) {
	ends := map[bool]time.Duration{}
	for _, compacting := range []bool{true, false} {
		w, client, server := twoISPs(t, 1)
		if !compacting {
			w.stale = -1 << 40 // never reaches compactMin
		}
		closedConns(t, client, server, 2*compactMin)
		for {
			more, err := w.Step()
			if err != nil {
				t.Fatal(err)
			}
			if !more {
				break
			}
		}
		ends[compacting] = w.Now()
	}
	if ends[true] != ends[false] || ends[true] < time.Hour {
		t.Errorf("stepped to the end: at %v compacting, %v not", ends[true], ends[false])
	}
}

// heapify orders any entries so that they come out by (at, seq).
func TestHeapify(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, n := range []int{0, 1, 2, 4, 5, 17, 1000} {
		var h itemHeap
		for i := range n {
			h = append(h, heapEntry{at: time.Duration(rng.Intn(50)), seq: uint64(i), it: &item{}})
		}
		want := slices.Clone(h)
		slices.SortFunc(want, func(a, b heapEntry) int {
			if a.before(&b) {
				return -1
			}
			return 1
		})
		h.heapify()
		for i := range want {
			top := h[0]
			if it := heapPop(&h); it != top.it || top.at != want[i].at || top.seq != want[i].seq {
				t.Fatalf("n=%d: pop %d is (%v, %d), want (%v, %d)", n, i, top.at, top.seq, want[i].at, want[i].seq)
			}
		}
	}
}

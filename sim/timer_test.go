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
	served := 0
	client.Go("client", func() {
		for range conns {
			c, err := client.Dial(context.Background(), "tcp", "server:25")
			if err != nil {
				t.Error(err)
				return
			}
			c.Write([]byte{1})
			io.Copy(io.Discard, c) // until the server closes
			c.Close()
			served++
		}
	})
	if err := w.RunUntil(30 * time.Minute); err != nil {
		t.Fatal(err)
	}
	if served != conns {
		t.Fatalf("%d conns served, want %d", served, conns)
	}
	w.mu.Lock()
	queued, stale := len(w.items), w.stale
	w.mu.Unlock()
	if queued > 2*compactMin || stale > compactMin {
		t.Errorf("after %d closed conns: %d items queued, %d of them stopped timers", conns, queued, stale)
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

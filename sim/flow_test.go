package sim

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestFlowControl: a sender writing far more than the window to a slow
// reader is held to the reader's pace, and never has more than a window
// in flight or unread; every byte arrives, in order.
func TestFlowControl(t *testing.T) {
	w, a, b := twoISPs(t, 1)
	const size = 1 << 20
	data := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	ln, _ := b.Listen("tcp", ":7")
	var got []byte
	peak := 0
	b.Go("slow reader", func() {
		c, _ := ln.Accept()
		c.SetDeadline(time.Time{}) // a first touch: the kernel waits for one
		buf := make([]byte, 8192)
		for {
			b.Sleep(10 * time.Millisecond) // 8 KiB per 10 ms: 800 KB/s
			n, err := c.Read(buf)
			got = append(got, buf[:n]...)
			if err != nil {
				break
			}
		}
		c.Close()
	})
	var wrote int
	var werr error
	var done time.Duration
	a.Go("fast writer", func() {
		c, _ := a.Dial(context.Background(), "tcp", "server:7")
		tc := c.(*tcpConn)
		for off := 0; off < size; off += 32 << 10 {
			n, err := c.Write(data[off : off+32<<10])
			wrote += n
			if err != nil {
				werr = err
				break
			}
			peak = max(peak, tc.out+len(tc.unsent))
		}
		done = w.Now()
		c.Close()
	})
	if err := w.RunUntil(time.Hour); err != nil {
		t.Fatal(err)
	}
	if werr != nil || wrote != size {
		t.Fatalf("wrote %d of %d: %v", wrote, size, werr)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("reader got %d bytes, not what was sent", len(got))
	}
	if win := w.cfg.Window; peak > win {
		t.Errorf("%d bytes in flight or unread, window %d", peak, win)
	}
	// 1 MiB at 8 KiB per 10 ms takes about 1.2 s; without flow control
	// the writer is done at once.
	if done < time.Second {
		t.Errorf("writer finished at %s: not held to the reader's pace", done)
	}
}

// TestBlockedWrite: a write blocked on a full window fails at its write
// deadline, when the conn is closed, and when the peer resets it.
func TestBlockedWrite(t *testing.T) {
	w, a, b := twoISPs(t, 1)
	ln, _ := b.Listen("tcp", ":7")
	b.Go("reader that never reads", func() {
		for i := 0; i < 3; i++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.SetDeadline(time.Time{}) // a first touch: the kernel waits for one
			if i == 2 {
				b.Sleep(2 * time.Second)
				c.Close() // unread data: the next segment is answered with RST
				continue
			}
			// Left open, never read.
		}
	})
	big := make([]byte, 1<<20)
	var deadlineErr, closedErr, resetErr error
	var timedOutAt time.Duration
	a.Go("writer", func() {
		c, _ := a.Dial(context.Background(), "tcp", "server:7")
		c.SetWriteDeadline(a.Now().Add(3 * time.Second))
		start := w.Now()
		_, deadlineErr = c.Write(big)
		timedOutAt = w.Now() - start
		c.Close()

		c2, _ := a.Dial(context.Background(), "tcp", "server:7")
		a.Go("closer", func() { a.Sleep(time.Second); c2.Close() })
		_, closedErr = c2.Write(big)

		c3, _ := a.Dial(context.Background(), "tcp", "server:7")
		_, resetErr = c3.Write(big)
		c3.Close()
	})
	if err := w.RunUntil(time.Hour); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(deadlineErr, os.ErrDeadlineExceeded) || timedOutAt < 3*time.Second || timedOutAt > 4*time.Second {
		t.Errorf("blocked write with a deadline 3 s ahead: %v after %s", deadlineErr, timedOutAt)
	}
	if closedErr == nil || errors.Is(closedErr, io.EOF) {
		t.Errorf("write blocked while the conn closed: %v", closedErr)
	}
	if !errors.Is(resetErr, syscall.ECONNRESET) {
		t.Errorf("write blocked while the peer closed unread: %v, want a reset", resetErr)
	}
}

// WatchSteps sees the message steps only; with no other subscriber the
// world builds no hop events, and numbers events as if it did.
func TestWatchSteps(t *testing.T) {
	run := func(all bool) (kinds map[Kind]int, count uint64) {
		w, a, b := twoISPs(t, 1)
		kinds = map[Kind]int{}
		if all {
			w.Watch(func(e *Event) { kinds[e.Kind]++ })
		} else {
			w.WatchSteps(func(e *Event) { kinds[e.Kind]++ })
		}
		ln, _ := b.Listen("tcp", ":7")
		b.Go("server", func() {
			c, _ := ln.Accept()
			c.Write([]byte("hello"))
			c.Close()
		})
		a.Go("client", func() {
			c, _ := a.Dial(context.Background(), "tcp", "server:7")
			io.ReadAll(c)
			w.AddStep(Event{Step: "stored", Msg: "M1"})
			c.Close()
		})
		if err := w.RunUntil(time.Minute); err != nil {
			t.Fatal(err)
		}
		if all && w.heard() == false || !all && w.heard() {
			t.Errorf("heard() = %v with all=%v", w.heard(), all)
		}
		return kinds, w.EventCount()
	}
	every, n1 := run(true)
	steps, n2 := run(false)
	if every[KindHop] == 0 || steps[KindHop] != 0 || steps[KindStep] != 1 || len(steps) != 1 {
		t.Errorf("every event: %v; steps only: %v", every, steps)
	}
	if n1 != n2 {
		t.Errorf("%d events counted with every event watched, %d with steps only", n1, n2)
	}
}

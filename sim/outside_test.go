package sim

import (
	"context"
	"io"
	"testing"
)

// A goroutine outside the simulation (a bridge to a real socket) may use
// sim conns while a paced driver runs: it gets a turn per operation.
func TestOutsideGoroutineWithPace(t *testing.T) {
	w, a, b := twoISPs(t, 1)
	ln, _ := b.Listen("tcp", ":7")
	b.Go("echo", func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { // like go-smtp: a fresh goroutine per conn
				io.Copy(c, c)
				c.Close()
			}()
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Pace(ctx, 50) }()
	c, err := a.Dial(context.Background(), "tcp", "server:7")
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{"one", "two"} {
		if _, err := c.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 3)
		if _, err := io.ReadFull(c, buf); err != nil || string(buf) != msg {
			t.Fatalf("echo %q: got %q, %v", msg, buf, err)
		}
	}
	c.Close()
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("Pace: %v", err)
	}
}

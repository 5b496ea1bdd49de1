package pop3

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"mailsim/servers/env"
)

// quietServer accepts one connection, runs serve on it, then holds the
// line open and silent until the client hangs up.
func quietServer(t *testing.T, serve func(nc net.Conn, br *bufio.Reader)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		l.Close()
		<-done
	})
	go func() {
		defer close(done)
		nc, err := l.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		nc.SetDeadline(time.Now().Add(10 * time.Second)) // wall-clock bound, test only
		serve(nc, bufio.NewReader(nc))
		// Hold the line open, silent, until the client hangs up.
		io.Copy(io.Discard, nc)
	}()
	return l.Addr().String()
}

func dialTimeout(t *testing.T, addr string, timeout time.Duration) (*Client, error) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return NewClientTimeout(nc, env.NewLoopback("bob-pc", 1), timeout)
}

// TestClientTimeout: a server that goes quiet makes the client fail with
// a timeout error after its timeout, not hang.
func TestClientTimeout(t *testing.T) {
	const timeout = 200 * time.Millisecond
	tests := []struct {
		name  string
		serve func(nc net.Conn, br *bufio.Reader)
		run   func(c *Client) error // nil: the greeting itself times out
	}{
		{"no greeting", func(net.Conn, *bufio.Reader) {}, nil},
		{"no answer to USER", func(nc net.Conn, br *bufio.Reader) {
			io.WriteString(nc, "+OK hi\r\n")
			br.ReadString('\n')
		}, func(c *Client) error { return c.User("bob") }},
		{"half a reply", func(nc net.Conn, br *bufio.Reader) {
			io.WriteString(nc, "+OK hi\r\n")
			br.ReadString('\n')
			io.WriteString(nc, "+OK sen")
		}, func(c *Client) error { return c.User("bob") }},
		{"RETR cut short", func(nc net.Conn, br *bufio.Reader) {
			io.WriteString(nc, "+OK hi\r\n")
			br.ReadString('\n')
			io.WriteString(nc, "+OK 100 octets\r\nSubject: x\r\n\r\n")
		}, func(c *Client) error { _, err := c.Retr(1); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr := quietServer(t, tc.serve)
			start := time.Now()
			c, err := dialTimeout(t, addr, timeout)
			if tc.run != nil {
				if err != nil {
					t.Fatal(err)
				}
				err = tc.run(c)
			}
			el := time.Since(start)
			if !env.IsTimeout(err) {
				t.Fatalf("err = %v, want a timeout", err)
			}
			if el < timeout/2 || el > 5*time.Second {
				t.Errorf("timed out after %v, timeout %v", el, timeout)
			}
		})
	}
}

// TestClientTimeoutRestartsOnProgress: the timer measures silence, not
// the length of a reply, so a slow but steady download succeeds.
func TestClientTimeoutRestartsOnProgress(t *testing.T) {
	const lines = 12
	addr := quietServer(t, func(nc net.Conn, br *bufio.Reader) {
		io.WriteString(nc, "+OK hi\r\n")
		br.ReadString('\n')
		io.WriteString(nc, "+OK slow message follows\r\nSubject: slow\r\n\r\n")
		for i := 0; i < lines; i++ {
			time.Sleep(50 * time.Millisecond) // test server only
			io.WriteString(nc, "line\r\n")
		}
		io.WriteString(nc, ".\r\n")
	})
	// 12 × 50 ms is longer than the timeout, each gap far shorter.
	c, err := dialTimeout(t, addr, 400*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	data, err := c.Retr(1)
	if err != nil {
		t.Fatalf("slow but steady RETR failed: %v", err)
	}
	if n := strings.Count(string(data), "line\r\n"); n != lines {
		t.Errorf("got %d body lines, want %d", n, lines)
	}
}

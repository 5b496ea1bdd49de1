package pop3

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"mailsim/servers/env"
	"mailsim/servers/store"
)

// syncBuf is a log sink the server goroutines and the test share.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAutologout: a client that goes quiet is disconnected after the
// server's IdleTimeout (RFC 1939 section 3) without entering UPDATE: what
// it marked with DELE stays, and the next session can lock the maildrop.
// The bounds are generous: this checks behaviour, not speed.
func TestAutologout(t *testing.T) {
	const idle = 200 * time.Millisecond
	tests := []struct {
		name    string
		script  []string // lines sent, each answered with one +OK line
		partial string   // sent last without CRLF: a command cut short
		logged  string   // in the server's log
	}{
		{"quiet after greeting", nil, "", "an unauthenticated client sent nothing"},
		{"quiet after USER", []string{"USER bob"}, "", "an unauthenticated client sent nothing"},
		{"quiet after DELE", []string{"USER bob", "PASS secret", "DELE 1", "DELE 2"}, "", "bob sent nothing for 200ms; disconnected, 2 message(s) marked for deletion kept"},
		{"half a command", []string{"USER bob", "PASS secret", "DELE 1"}, "QU", "bob sent nothing for 200ms; disconnected, 1 message(s)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t)
			var log syncBuf
			addr, _ := startServerWith(t, st, func(s *Server) {
				lb := env.NewLoopback("pop.comentum.com", 1)
				lb.Log = &log
				s.Env, s.IdleTimeout = lb, idle
			})
			r := dialRaw(t, addr) // 10 s wall-clock bound on the whole exchange
			if g := r.line(); !strings.HasPrefix(g, "+OK ") {
				t.Fatalf("greeting %q", g)
			}
			for _, cmd := range tc.script {
				r.send(cmd + "\r\n")
				if g := r.line(); !strings.HasPrefix(g, "+OK") {
					t.Fatalf("%s: %q", cmd, g)
				}
			}
			if tc.partial != "" {
				r.send(tc.partial)
			}
			start := time.Now()
			if g := r.line(); g != "-ERR Disconnected for inactivity." {
				t.Fatalf("after going quiet got %q", g)
			}
			r.expectEOF()
			if el := time.Since(start); el < idle/2 {
				t.Errorf("disconnected after %v, before the %v timer could run out", el, idle)
			}
			// The lock was released before the -ERR was sent.
			md, err := st.Open("bob")
			if err != nil {
				t.Fatalf("maildrop not unlocked: %v", err)
			}
			if n := len(md.Messages()); n != 2 {
				t.Errorf("%d messages left, want 2: autologout must not enter UPDATE", n)
			}
			md.Close()
			c := dialClient(t, addr)
			if err := c.User("bob"); err != nil {
				t.Fatal(err)
			}
			if err := c.Pass("secret"); err != nil {
				t.Fatalf("new session: %v", err)
			}
			if err := c.Quit(); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(log.String(), tc.logged) {
				t.Errorf("log lacks %q:\n%s", tc.logged, log.String())
			}
		})
	}
}

// TestAutologoutStalledReader: a client that asks for a big message and
// never reads it stops the server's writes; the timer covers those too,
// so the maildrop is unlocked and the marked message kept.
func TestAutologoutStalledReader(t *testing.T) {
	st := store.New()
	st.AddUser("bob", "secret")
	// Far more than the loopback socket buffers hold.
	big := "Subject: big\r\n\r\n" + strings.Repeat(strings.Repeat("x", 78)+"\r\n", 400000)
	for _, m := range []string{big, msg1} {
		if _, err := st.Deliver("bob", []byte(m), env.Epoch); err != nil {
			t.Fatal(err)
		}
	}
	var log syncBuf
	addr, _ := startServerWith(t, st, func(s *Server) {
		lb := env.NewLoopback("pop.comentum.com", 1)
		lb.Log = &log
		s.Env, s.IdleTimeout = lb, 200*time.Millisecond
	})
	r := dialRaw(t, addr)
	r.line()
	r.send("USER bob\r\nPASS secret\r\nDELE 2\r\nRETR 1\r\n")
	for _, want := range []string{"+OK send PASS", "+OK bob's maildrop", "+OK message 2 deleted", fmt.Sprintf("+OK %d octets", len(big))} {
		if g := r.line(); !strings.HasPrefix(g, want) {
			t.Fatalf("got %q, want %q", g, want)
		}
	}
	// Now read no more.
	waitUnlocked(t, st, "bob")
	md, err := st.Open("bob")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(md.Messages()); n != 2 {
		t.Errorf("%d messages left, want 2", n)
	}
	md.Close()
	if want := "bob read nothing of our reply for 200ms"; !strings.Contains(log.String(), want) {
		t.Errorf("log lacks %q:\n%s", want, log.String())
	}
}

// TestNoEnvNoAutologout: without an Env the server has no clock for the
// timer and, as documented, sets no deadline at all.
func TestNoEnvNoAutologout(t *testing.T) {
	st := newStore(t)
	addr, _ := startServerWith(t, st, func(s *Server) {
		s.Env, s.IdleTimeout = nil, 20*time.Millisecond
	})
	c := dialClient(t, addr)
	if err := c.User("bob"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // ten times IdleTimeout
	if err := c.Pass("secret"); err != nil {
		t.Fatalf("session ended without an Env: %v", err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
}

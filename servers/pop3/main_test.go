package pop3

import (
	"net"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"mailsim/servers/env"
)

// Servers are closed by every test, and Close waits for their
// connections' goroutines: none may be left.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Close returns only once every connection's goroutine has ended, as
// go-smtp's Server does: a client logged in (its maildrop locked) and one
// that never said a word are both cut off, and nothing is left running.
func TestCloseWaitsForConnections(t *testing.T) {
	before := goleak.IgnoreCurrent()
	st := newStore(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(NewStoreBackend(st))
	srv.Env = env.NewLoopback("pop.comentum.com", 1)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()

	bob := dialRaw(t, l.Addr().String())
	bob.line() // greeting
	bob.send("USER bob\r\nPASS secret\r\n")
	bob.line()
	if got := bob.line(); !strings.HasPrefix(got, "+OK") {
		t.Fatalf("PASS: %q", got)
	}
	mute := dialRaw(t, l.Addr().String())
	mute.line()

	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	// Bob's goroutine unlocked his maildrop before it ended: Close waited.
	md, err := st.Open("bob")
	if err != nil {
		t.Fatalf("bob's maildrop right after Close: %v", err)
	}
	md.Close()
	goleak.VerifyNone(t, before)
	bob.expectEOF()
	mute.expectEOF()
	if n := len(st.Messages("bob")); n != 2 {
		t.Errorf("bob has %d messages after Close, want 2: nothing is deleted outside UPDATE", n)
	}
	if err := srv.Close(); err != ErrServerClosed {
		t.Errorf("second Close: %v, want ErrServerClosed", err)
	}
}

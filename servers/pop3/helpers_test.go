package pop3

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"mailsim/servers/env"
	"mailsim/servers/store"
)

// Fixture messages: one with CRLF and a line starting with ".", one
// stored with bare LF to exercise CRLF normalisation.
const (
	msg1 = "From: lisa@otherisp.com\r\nTo: bob@comentum.com\r\nSubject: Hello\r\n\r\nHi Bob\r\n.hidden dot line\r\nbye\r\n"
	msg2 = "Subject: two\n\nline1\nline2\n"
)

// newStore returns a store with bob (2 messages) and an empty alice.
func newStore(t testing.TB) *store.Store {
	t.Helper()
	st := store.New()
	st.AddUser("bob", "secret")
	st.AddUser("alice", "pw with spaces")
	for _, m := range []string{msg1, msg2} {
		if _, err := st.Deliver("bob", []byte(m), env.Epoch); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// startServer serves st on a loopback port and returns its address.
func startServer(t testing.TB, st *store.Store) (string, *Server) {
	t.Helper()
	return startServerWith(t, st, nil)
}

// startServerWith is startServer with conf applied to the server before
// it starts serving.
func startServerWith(t testing.TB, st *store.Store, conf func(*Server)) (string, *Server) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(NewStoreBackend(st))
	srv.Domain = "pop.comentum.com"
	srv.Env = env.NewLoopback("pop.comentum.com", 1)
	if conf != nil {
		conf(srv)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Close()
		// ErrServerClosed: Close came before Serve began (a test that
		// never connects, on a slow machine).
		if err := <-done; err != nil && !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
	})
	return l.Addr().String(), srv
}

// rawConn is a test client that speaks bytes, not POP3.
type rawConn struct {
	t  testing.TB
	nc net.Conn
	br *bufio.Reader
}

func dialRaw(t testing.TB, addr string) *rawConn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	// Wall-clock deadline in the test only: a hung server fails the test
	// instead of hanging it.
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	return &rawConn{t: t, nc: nc, br: bufio.NewReader(nc)}
}

func (r *rawConn) send(s string) {
	r.t.Helper()
	if _, err := io.WriteString(r.nc, s); err != nil {
		r.t.Fatalf("write %q: %v", s, err)
	}
}

// expect reads exactly len(want) bytes and compares them.
func (r *rawConn) expect(want string) {
	r.t.Helper()
	got := make([]byte, len(want))
	n, err := io.ReadFull(r.br, got)
	if err != nil || string(got) != want {
		r.t.Fatalf("reply mismatch (err %v)\n got: %q\nwant: %q", err, got[:n], want)
	}
}

// line reads one CRLF line.
func (r *rawConn) line() string {
	r.t.Helper()
	s, err := r.br.ReadString('\n')
	if err != nil {
		r.t.Fatalf("read line: %v (got %q)", err, s)
	}
	return strings.TrimSuffix(s, "\r\n")
}

// expectEOF checks that the server closed the connection.
func (r *rawConn) expectEOF() {
	r.t.Helper()
	rest, err := io.ReadAll(r.br)
	if err != nil || len(rest) != 0 {
		r.t.Fatalf("want EOF, got %q, %v", rest, err)
	}
}

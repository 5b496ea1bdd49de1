package pop3

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"mailsim/servers/env"
	"mailsim/servers/store"
)

// waitUnlocked polls until the server has released bob's maildrop, which
// its connection goroutine does on the way out.
func waitUnlocked(t *testing.T, st *store.Store, user string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		md, err := st.Open(user)
		if err == nil {
			md.Close()
			return
		}
		if !errors.Is(err, store.ErrLocked) || time.Now().After(deadline) {
			t.Fatalf("maildrop %s still locked: %v", user, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func dialClient(t *testing.T, addr string) *Client {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	c, err := NewClient(nc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSecondSessionLocked(t *testing.T) {
	st := newStore(t)
	addr, _ := startServer(t, st)
	a := dialClient(t, addr)
	if err := a.User("bob"); err != nil {
		t.Fatal(err)
	}
	if err := a.Pass("secret"); err != nil {
		t.Fatal(err)
	}
	b := dialClient(t, addr)
	if err := b.User("bob"); err != nil {
		t.Fatal(err)
	}
	err := b.Pass("secret")
	var pe *Error
	if !errors.As(err, &pe) || pe.Code != "IN-USE" {
		t.Fatalf("second PASS: %v, want -ERR [IN-USE]", err)
	}
	// A wrong password is [AUTH], not [IN-USE]: don't leak the lock.
	b.User("bob")
	if err := b.Pass("wrong"); !errors.As(err, &pe) || pe.Code != "AUTH" {
		t.Fatalf("bad PASS: %v, want -ERR [AUTH]", err)
	}
	if err := a.Quit(); err != nil {
		t.Fatal(err)
	}
	waitUnlocked(t, st, "bob")
	b.User("bob")
	if err := b.Pass("secret"); err != nil {
		t.Fatalf("PASS after the first session quit: %v", err)
	}
}

// TestDisconnectMidRetr: a client that marks a message deleted and then
// drops while downloading it loses nothing.
func TestDisconnectMidRetr(t *testing.T) {
	st := newStore(t)
	big := "Subject: big\r\n\r\n" + strings.Repeat("0123456789abcdef\r\n", 200000)
	st.Deliver("bob", []byte(big), env.Epoch)
	addr, _ := startServer(t, st)
	c := dialRaw(t, addr)
	c.expect(greeting)
	c.send("USER bob\r\nPASS secret\r\nDELE 1\r\nDELE 3\r\nRETR 2\r\n")
	c.line()
	c.line()
	c.line()
	c.line()
	if got := c.line(); got != "+OK 30 octets" {
		t.Fatalf("RETR reply %q", got)
	}
	c.nc.Close()
	waitUnlocked(t, st, "bob")
	if n := len(st.Messages("bob")); n != 3 {
		t.Fatalf("after drop: %d messages, want all 3", n)
	}
}

// TestServerCloseWakesConns: Close ends live sessions without deleting.
func TestServerCloseWakesConns(t *testing.T) {
	st := newStore(t)
	addr, srv := startServer(t, st)
	c := dialClient(t, addr)
	c.User("bob")
	c.Pass("secret")
	if err := c.Dele(1); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	if err := c.Noop(); err == nil {
		t.Fatal("NOOP after server Close succeeded")
	}
	waitUnlocked(t, st, "bob")
	if n := len(st.Messages("bob")); n != 2 {
		t.Fatalf("%d messages after Close, want 2", n)
	}
	if err := srv.Serve(nil); !errors.Is(err, ErrServerClosed) {
		t.Fatalf("Serve after Close: %v", err)
	}
}

// TestClientRoundTrip drives every client method against the server.
func TestClientRoundTrip(t *testing.T) {
	st := newStore(t)
	addr, _ := startServer(t, st)
	c := dialClient(t, addr)
	if c.Greeting != "pop.comentum.com POP3 server ready" {
		t.Errorf("greeting %q", c.Greeting)
	}
	caps, err := c.Capa()
	if err != nil || len(caps) != 7 || caps[6] != "IMPLEMENTATION mailsim-pop3" {
		t.Errorf("Capa = %q, %v", caps, err)
	}
	if err := c.User("bob"); err != nil {
		t.Fatal(err)
	}
	if err := c.Pass("secret"); err != nil {
		t.Fatal(err)
	}
	if n, size, err := c.Stat(); n != 2 || size != 126 || err != nil {
		t.Errorf("Stat = %d %d %v", n, size, err)
	}
	list, err := c.List()
	if err != nil || len(list) != 2 || list[0] != (MsgInfo{Num: 1, Size: 96}) || list[1] != (MsgInfo{Num: 2, Size: 30}) {
		t.Errorf("List = %+v, %v", list, err)
	}
	uids, err := c.UIDL()
	if err != nil || len(uids) != 2 || uids[0] != (MsgInfo{Num: 1, UID: "bob.1"}) || uids[1] != (MsgInfo{Num: 2, UID: "bob.2"}) {
		t.Errorf("UIDL = %+v, %v", uids, err)
	}
	for n, want := range map[int]string{1: msg1, 2: strings.ReplaceAll(msg2, "\n", "\r\n")} {
		got, err := c.Retr(n)
		if err != nil || string(got) != want {
			t.Errorf("Retr(%d) = %q, %v; want %q", n, got, err, want)
		}
		if len(got) != list[n-1].Size {
			t.Errorf("Retr(%d) is %d octets, LIST said %d", n, len(got), list[n-1].Size)
		}
	}
	top, err := c.Top(1, 1)
	if want := "From: lisa@otherisp.com\r\nTo: bob@comentum.com\r\nSubject: Hello\r\n\r\nHi Bob\r\n"; err != nil || string(top) != want {
		t.Errorf("Top = %q, %v", top, err)
	}
	var pe *Error
	if _, err := c.Retr(9); !errors.As(err, &pe) || pe.Text != "no such message" {
		t.Errorf("Retr(9) = %v", err)
	}
	if err := c.Dele(1); err != nil {
		t.Fatal(err)
	}
	if err := c.Rset(); err != nil {
		t.Fatal(err)
	}
	if err := c.Dele(2); err != nil {
		t.Fatal(err)
	}
	if err := c.Noop(); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	if msgs := st.Messages("bob"); len(msgs) != 1 || msgs[0].UID != "bob.1" {
		t.Errorf("store after QUIT: %+v", msgs)
	}
}

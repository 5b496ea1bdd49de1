package world

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"testing"
	"time"
)

// rawClient is a real socket to an exposed service, read line by line.
type rawClient struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dialRaw(t *testing.T, ep Endpoint) *rawClient {
	t.Helper()
	c, err := net.Dial("tcp", ep.Real.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	return &rawClient{t, c, bufio.NewReader(c)}
}

// line reads one line, without its CRLF.
func (r *rawClient) line() string {
	r.t.Helper()
	l, err := r.r.ReadString('\n')
	if err != nil {
		r.t.Fatalf("reading from %s: %v (got %q)", r.c.RemoteAddr(), err, l)
	}
	return strings.TrimRight(l, "\r\n")
}

// send writes one command and reads lines until one starts with want.
func (r *rawClient) send(cmd, want string) {
	r.t.Helper()
	if cmd != "" {
		if _, err := r.c.Write([]byte(cmd + "\r\n")); err != nil {
			r.t.Fatal(err)
		}
	}
	for {
		l := r.line()
		if strings.HasPrefix(l, want) {
			return
		}
		if len(l) > 3 && l[3] == '-' || strings.HasPrefix(l, "* ") {
			continue // a continued SMTP reply, an untagged IMAP response
		}
		r.t.Fatalf("after %q: got %q, want %q…", cmd, l, want)
	}
}

// rest reads what comes before the server closes the connection.
func (r *rawClient) rest() (string, error) {
	var b strings.Builder
	for {
		l, err := r.r.ReadString('\n')
		b.WriteString(l)
		if err != nil {
			if errors.Is(err, syscall.ECONNRESET) || err.Error() == "EOF" {
				return b.String(), nil
			}
			return b.String(), err
		}
	}
}

// M4: at the stop, sessions in flight are told before their connections
// close, as Postfix and Dovecot tell theirs, and new connections are
// refused. The message cut off in the middle of DATA is not accepted.
func TestShutdownTellsSessions(t *testing.T) {
	rt := build(t, "figure-b.yaml")
	x, err := rt.Expose(ExposeOptions{Base: netip.MustParseAddr("127.132.0.0"), AlwaysOffset: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { x.Close(); cancel() }() // the bridges need the kernel to end
	go rt.World.Pace(ctx, 20)

	smtp := dialRaw(t, endpoint(t, x, "smtp.otherisp.com", "smtp", "tcp"))
	smtp.send("", "220 ")
	smtp.send("EHLO lisa-pc", "250 ")
	smtp.send("MAIL FROM:<lisa@otherisp.com>", "250 ")
	smtp.send("RCPT TO:<bob@comentum.com>", "250 ")
	smtp.send("DATA", "354 ")
	smtp.c.Write([]byte("Subject: cut off by the stop\r\n\r\nHalf a mess"))
	sub := dialRaw(t, endpoint(t, x, "smtp.otherisp.com", "submission", "tcp"))
	sub.send("", "220 ")
	sub.send("EHLO lisa-pc", "250 ")
	pop := dialRaw(t, endpoint(t, x, "pop3.comentum.com", "pop3", "tcp"))
	pop.send("", "+OK ")
	pop.send("USER bob", "+OK")
	pop.send("PASS secret2", "+OK")
	imap := dialRaw(t, endpoint(t, x, "pop3.comentum.com", "imap", "tcp"))
	imap.send("", "* OK")
	imap.send("a1 LOGIN bob secret2", "a1 OK")
	imap.send("a2 SELECT INBOX", "a2 OK")

	select {
	case <-rt.Shutdown(3 * time.Second):
	case <-time.After(20 * time.Second):
		t.Fatal("shutdown did not finish within 20 s")
	}
	for _, tt := range []struct {
		name string
		c    *rawClient
		want string
	}{
		{"SMTP mid-DATA", smtp, "421 4.3.2 smtp.otherisp.com Service shutting down, closing transmission channel\r\n"},
		{"submission", sub, "421 4.3.2 smtp.otherisp.com Service shutting down, closing transmission channel\r\n"},
		{"POP3", pop, "-ERR [SYS/TEMP] Server shutting down.\r\n"},
		{"IMAP", imap, "* BYE Server shutting down.\r\n"},
	} {
		if got, err := tt.c.rest(); got != tt.want || err != nil {
			t.Errorf("%s: read %q then %v; want %q then the close", tt.name, got, err, tt.want)
		}
	}
	// New connections are refused now: reset, never greeted.
	c, err := net.Dial("tcp", endpoint(t, x, "smtp.comentum.com", "smtp", "tcp").Real.String())
	if err == nil {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		var b [64]byte
		if n, err := c.Read(b[:]); n > 0 || !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("a new connection after the stop read %q, %v; want a reset", b[:n], err)
		}
		c.Close()
	}
	c2 := rt.Conservation()
	if len(c2.Violations) > 0 {
		t.Errorf("conservation: %s", c2)
	}
	for _, m := range rt.Store("comentum").Messages("bob") {
		if strings.Contains(string(m.Data), "cut off by the stop") {
			t.Errorf("the message cut off in DATA was delivered:\n%s", m.Data)
		}
	}
	for _, q := range rt.SMTPQueue("smtp.otherisp.com") {
		if strings.Contains(string(q.Data), "cut off by the stop") {
			t.Errorf("the message cut off in DATA was queued")
		}
	}
}

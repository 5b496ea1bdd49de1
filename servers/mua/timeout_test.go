package mua

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"mailsim/servers/env"
)

// quietServer accepts one connection and answers the client's lines from
// replies: the greeting first, then one entry per line read. When the
// replies run out it reads on in silence, never answering, until the
// client hangs up. The lines it read come back on the returned channel.
func quietServer(t *testing.T, replies []string) (string, <-chan []string) {
	t.Helper()
	l := listen(t)
	got := make(chan []string, 1)
	t.Cleanup(func() { l.Close() })
	go func() {
		var lines []string
		defer func() { got <- lines }()
		nc, err := l.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		nc.SetDeadline(time.Now().Add(10 * time.Second)) // wall-clock bound, test only
		br := bufio.NewReader(nc)
		for i := 0; ; i++ {
			if i < len(replies) {
				io.WriteString(nc, replies[i])
			}
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			lines = append(lines, strings.TrimRight(line, "\r\n"))
		}
	}()
	return l.Addr().String(), got
}

// TestCheckMailTimeout: a POP3 server that stops answering ends Send/Recv
// with a timeout error after the account's ServerTimeout, logged in the
// trace; nothing is deleted, since the program never sends QUIT.
func TestCheckMailTimeout(t *testing.T) {
	const timeout = 200 * time.Millisecond
	tests := []struct {
		name    string
		replies []string
		step    string
		inbox   int
	}{
		{"no greeting", nil, "greeting", 0},
		{"no answer to USER", []string{"+OK pop.comentum.com ready\r\n"}, "USER", 0},
		{"no answer to UIDL", []string{"+OK hi\r\n", "+OK\r\n", "+OK 2 messages\r\n"}, "UIDL", 0},
		{"RETR cut short", []string{"+OK hi\r\n", "+OK\r\n", "+OK\r\n", "+OK\r\n1 u1\r\n2 u2\r\n.\r\n", "+OK\r\nSubject: one\r\n\r\nhi\r\n.\r\n", "+OK\r\n", "+OK\r\nSubject: two\r\n"}, "RETR 2", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr, got := quietServer(t, tc.replies)
			var log strings.Builder // Loopback.Log writes under its lock; read after CheckMail
			e := env.NewLoopback("bob-pc", 1)
			e.Log = &log
			p := New(e, Account{Address: "bob@comentum.com", Username: "bob", Password: "pw", POP3Server: addr, ServerTimeout: timeout})
			start := time.Now()
			rep, err := p.CheckMail(context.Background())
			el := time.Since(start)
			var fe *FetchError
			if !errors.As(err, &fe) || fe.Step != tc.step {
				t.Fatalf("err = %v, want a FetchError at %s", err, tc.step)
			}
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Fatalf("err = %v, want a net.Error with Timeout()", err)
			}
			if el < timeout/2 || el > 5*time.Second {
				t.Errorf("gave up after %v with a %v timeout", el, timeout)
			}
			if n := len(p.Inbox()); n != tc.inbox || rep.New != tc.inbox || rep.Deleted != 0 {
				t.Errorf("inbox %d, report %+v; want %d downloaded, none deleted", n, rep, tc.inbox)
			}
			want := "bob's mail program: " + addr + " sent nothing for 200ms at " + tc.step + "; gave up, nothing deleted"
			if !strings.Contains(log.String(), want) {
				t.Errorf("trace lacks %q:\n%s", want, log.String())
			}
			for _, l := range <-got {
				if l == "QUIT" {
					t.Errorf("client sent QUIT after a timeout: %q", l)
				}
			}
		})
	}
}

// TestSendTimeout: an SMTP server that stops answering, from the greeting
// on, ends the send with a timeout error after ServerTimeout.
func TestSendTimeout(t *testing.T) {
	const timeout = 200 * time.Millisecond
	tests := []struct {
		name    string
		replies []string
		step    string
	}{
		{"no greeting", nil, "EHLO"},
		{"no answer to EHLO", []string{"220 smtp.otherisp.com ESMTP\r\n"}, "EHLO"},
		{"no answer to MAIL", []string{"220 smtp.otherisp.com ESMTP\r\n", "250 smtp.otherisp.com\r\n"}, "MAIL FROM"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr, _ := quietServer(t, tc.replies)
			var log strings.Builder
			e := env.NewLoopback("lisa-pc", 1)
			e.Log = &log
			acct := lisa()
			acct.SMTPServer, acct.ServerTimeout = addr, timeout
			start := time.Now()
			err := New(e, acct).Send(context.Background(), []string{"bob@comentum.com"}, "hi", "hello")
			el := time.Since(start)
			var se *SendError
			if !errors.As(err, &se) || se.Step != tc.step || !env.IsTimeout(err) {
				t.Fatalf("err = %v, want a timeout SendError at %s", err, tc.step)
			}
			if el < timeout/2 || el > 5*time.Second {
				t.Errorf("gave up after %v with a %v timeout", el, timeout)
			}
			if want := addr + " sent nothing for 200ms at " + tc.step; !strings.Contains(log.String(), want) {
				t.Errorf("trace lacks %q:\n%s", want, log.String())
			}
		})
	}
}

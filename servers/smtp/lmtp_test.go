package smtp

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"mailsim/servers/env"
	"mailsim/servers/store"
)

// startLMTP runs Comentum's POP3 host LMTP server with bob only.
func startLMTP(t *testing.T, log *syncBuffer) (string, *store.Store) {
	t.Helper()
	e := env.NewLoopback("pop3.comentum.com", 3)
	e.Log = log
	st := store.New()
	st.AddUser("bob", "bobpw")
	l, err := NewLMTP(LMTPConfig{
		Hostname: "pop3.comentum.com",
		Mailboxes: map[string]string{
			"bob@comentum.com":   "bob",
			"bob@hiscompany.com": "bob",
		},
		Store: st,
		Env:   e,
	})
	if err != nil {
		t.Fatal(err)
	}
	ln := listen(t, "127.0.0.1:0")
	done := make(chan error, 1)
	go func() { done <- l.Serve(ln) }()
	t.Cleanup(func() {
		l.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String(), st
}

// TestLMTPServer speaks LMTP by hand: one reply per recipient after the
// data (RFC 2033 §4.2), unknown mailboxes refused at RCPT.
func TestLMTPServer(t *testing.T) {
	addr, st := startLMTP(t, &syncBuffer{})
	d := dial(t, addr)
	d.expect("HELO smtp.comentum.com", 500, "use LHLO")
	d.expect("LHLO smtp.comentum.com", 250, "")
	d.expect("MAIL FROM:<lisa@otherisp.com>", 250, "")
	d.expect("RCPT TO:<bob@comentum.com>", 250, "")
	d.expect("RCPT TO:<carol@comentum.com>", 550, "5.1.1 <carol@comentum.com>: Recipient address rejected: User unknown")
	d.expect("RCPT TO:<bob@hiscompany.com>", 250, "")
	d.expect("DATA", 354, "")
	d.send("Subject: via LMTP\r\n\r\nhi\r\n")
	d.expect(".", 250, "<bob@comentum.com>")
	if code, text := d.read(); code != 250 || !strings.Contains(text, "<bob@hiscompany.com>") {
		t.Fatalf("second LMTP reply: %d %s", code, text)
	}
	d.expect("QUIT", 221, "")
	msgs := st.Messages("bob")
	if len(msgs) != 2 {
		t.Fatalf("bob has %d messages, want 2", len(msgs))
	}
	if got := string(msgs[0].Data); !strings.HasPrefix(got, "Return-Path: <lisa@otherisp.com>\r\nReceived: from smtp.comentum.com ([127.0.0.1])\r\n\tby pop3.comentum.com with LMTP id ") {
		t.Errorf("stored message:\n%s", got)
	}
}

// TestRelayViaLMTP: Comentum's MTA hands local mail to the POP3 host
// over LMTP. A recipient the POP3 host does not know is bounced back to
// Lisa across the Internet, through the queue like any message.
func TestRelayViaLMTP(t *testing.T) {
	lmtpLog := &syncBuffer{}
	lmtpAddr, popStore := startLMTP(t, lmtpLog)
	w := newISPs(t, world())
	w.comCfg.Store = nil
	w.comCfg.LMTPAddr = lmtpAddr
	w.startCom()

	submit(t, w.otherAddr, "lisa@otherisp.com", []string{"bob@comentum.com", "carol@comentum.com"}, lisaMsg)
	msgs := waitMessages(t, popStore, "bob", 1)
	header, _ := splitMessage(msgs[0].Data)
	if n := countFields(header, "Received"); n != 3 {
		t.Errorf("%d Received fields, want 3:\n%s", n, header)
	}
	if !strings.Contains(string(header), "by pop3.comentum.com with LMTP") {
		t.Errorf("no LMTP hop:\n%s", header)
	}

	bounce := waitMessages(t, w.otherStore, "lisa", 1)
	dsn := string(bounce[0].Data)
	for _, want := range []string{"Final-Recipient: rfc822; carol@comentum.com", "Status: 5.1.1",
		"Reporting-MTA: dns; smtp.comentum.com", "by smtp.otherisp.com with ESMTP", "Return-Path: <>"} {
		if !strings.Contains(dsn, want) {
			t.Errorf("bounce lacks %q:\n%s", want, dsn)
		}
	}
	waitFor(t, func() bool { return len(w.com.Queue()) == 0 && len(w.other.Queue()) == 0 })
	if !strings.Contains(w.comLog.String(), "to bob@comentum.com via LMTP "+lmtpAddr+": 250 2.0.0") {
		t.Errorf("no LMTP delivery note:\n%s", w.comLog)
	}
}

// The LMTP server answers in Dovecot's words, as the LMTP server behind a
// real Postfix does, line for line.
func TestLMTPDovecotWords(t *testing.T) {
	addr, _ := startLMTP(t, &syncBuffer{})
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	reply := func() string {
		var lines []string
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("after %q: %v", lines, err)
			}
			lines = append(lines, strings.TrimRight(line, "\r\n"))
			if len(line) < 4 || line[3] != '-' {
				return strings.Join(lines, "|")
			}
		}
	}
	if got := reply(); got != "220 pop3.comentum.com Dovecot ready." {
		t.Errorf("greeting %q", got)
	}
	for _, x := range []struct{ send, want string }{
		{"LHLO smtp.comentum.com", "250-pop3.comentum.com|"},
		{"MAIL FROM:<lisa@otherisp.com>", "250 2.1.0 OK"},
		{"RCPT TO:<bob@comentum.com>", "250 2.1.5 OK"},
		{"DATA", "354 OK"},
		{"Subject: hi\r\n\r\nhello\r\n.", "250 2.0.0 <bob@comentum.com> L000000001 Saved"},
		{"RSET", "250 2.0.0 OK"},
		{"QUIT", "221 2.0.0 Bye"},
	} {
		c.Write([]byte(x.send + "\r\n"))
		if got := reply(); !strings.HasPrefix(got, x.want) {
			t.Errorf("%s: %q, want %q", x.send, got, x.want)
		}
	}
}

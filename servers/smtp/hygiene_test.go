package smtp

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"mailsim/servers/env"
)

// H2: an EHLO name too long for a domain (or not a domain at all) is
// refused, Postfix's way, and the session goes on; a valid one is used
// in a Received line that stays under 1000 octets.
func TestHeloNameChecked(t *testing.T) {
	e := env.NewLoopback("smtp.comentum.com", 1)
	e.Log = &syncBuffer{}
	st := comentumStore()
	d := dial(t, start(t, mustNew(t, comentumConfig(e, st, world()))))
	long := strings.Repeat("a", 980)
	d.expect("EHLO "+long, 501, "5.5.2 <"+long[:64]+"...>: Helo command rejected: Invalid name")
	d.expect("HELO bad..name", 501, "Helo command rejected")
	d.expect("EHLO under_score-ok.example", 250, "")
	d.expect("EHLO [192.0.2.1]", 250, "")
	d.expect("EHLO "+strings.Repeat("b", 63)+"."+strings.Repeat("c", 63)+".example", 250, "")
	code, text := d.sendMail("lisa@otherisp.com", []string{"bob@comentum.com"}, "Subject: x\r\n\r\nhi\r\n")
	if code != 250 {
		t.Fatalf("end of data: %d %s", code, text)
	}
	for _, line := range bytes.Split(st.Messages("bob")[0].Data, []byte("\r\n")) {
		if len(line)+2 > 1000 {
			t.Errorf("stored line of %d octets", len(line)+2)
		}
	}
}

// A Received line never breaks a message, whatever HELO name it carries.
func TestReceivedFieldBounded(t *testing.T) {
	f := receivedField(strings.Repeat("x", 5000), "192.0.2.1", "smtp.comentum.com", "ESMTP", "ABC", time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	for _, line := range strings.Split(f, "\r\n") {
		if len(line) > 998 {
			t.Errorf("line of %d octets", len(line))
		}
	}
}

// L10: NUL bytes are neither echoed in replies nor stored: the message is
// refused with Postfix's "message content rejected".
func TestNULRejected(t *testing.T) {
	e := env.NewLoopback("smtp.comentum.com", 1)
	e.Log = &syncBuffer{}
	st := comentumStore()
	d := dial(t, start(t, mustNew(t, comentumConfig(e, st, world()))))
	d.expect("EHLO x.example", 250, "")
	d.send("MAIL FROM:<a\x00b@otherisp.com>\r\n")
	code, text := d.read()
	if code < 500 || strings.ContainsRune(text, 0) {
		t.Errorf("MAIL with NUL: %d %q", code, text)
	}
	code, text = d.sendMail("lisa@otherisp.com", []string{"bob@comentum.com"}, "Subject: x\r\n\r\nA\x00B\r\n")
	if code != 550 || !strings.Contains(text, "5.7.1 message content rejected") {
		t.Errorf("DATA with NUL: %d %s", code, text)
	}
	if n := len(st.Messages("bob")); n != 0 {
		t.Errorf("%d messages stored", n)
	}
}

// M3: a local part in another case is accepted by LMTP too, so what the
// MTA accepted for Bob@ is not bounced 5.1.1 at the last hop.
func TestLMTPCaseInsensitive(t *testing.T) {
	addr, st := startLMTP(t, &syncBuffer{})
	d := dial(t, addr)
	d.expect("LHLO smtp.comentum.com", 250, "")
	d.expect("MAIL FROM:<lisa@otherisp.com>", 250, "")
	d.expect("RCPT TO:<Bob@comentum.com>", 250, "")
	d.expect("RCPT TO:<BOB@HisCompany.com>", 250, "")
	d.expect("DATA", 354, "")
	d.send("Subject: case\r\n\r\nhi\r\n")
	d.expect(".", 250, "")
	d.read()
	if n := len(st.Messages("bob")); n != 2 {
		t.Errorf("bob has %d messages, want 2", n)
	}
}

// L11: an MX pointing back at the server itself is caught at once and
// bounced 5.4.6, Postfix's "loops back to myself", not relayed around.
func TestMXLoopsBack(t *testing.T) {
	r := world()
	r.addMX("loop.example", "smtp.otherisp.com", 10)
	w := newISPs(t, r)
	submit(t, w.otherAddr, "lisa@otherisp.com", []string{"x@loop.example"}, lisaMsg)
	msgs := waitMessages(t, w.otherStore, "lisa", 1)
	dsn := string(msgs[0].Data)
	for _, want := range []string{"Status: 5.4.6", "mail for loop.example loops back to myself"} {
		if !strings.Contains(dsn, want) {
			t.Errorf("bounce lacks %q:\n%s", want, dsn)
		}
	}
}

// L6: failed logins are limited per client across connections: the
// third failure gets 421 and the connection ends, and a new connection's
// AUTH is refused the same way.
func TestAuthFailureLimit(t *testing.T) {
	e := env.NewLoopback("smtp.comentum.com", 1)
	e.Log = &syncBuffer{}
	addr := start(t, mustNew(t, comentumConfig(e, comentumStore(), world())))
	bad := "AUTH PLAIN AGJvYgB3cm9uZw==" // bob / wrong
	d := dial(t, addr)
	d.expect("EHLO x.example", 250, "")
	d.expect(bad, 535, "")
	d.expect(bad, 535, "")
	d.expect(bad, 421, "4.7.0 smtp.comentum.com Error: too many authentication failures")
	if code, _ := d.read(); code != 0 {
		t.Errorf("connection still open: %d", code)
	}
	d = dial(t, addr)
	d.expect("EHLO x.example", 250, "")
	d.expect("AUTH PLAIN AGJvYgBib2Jwdw==", 421, "too many authentication failures") // even the right password
}

package smtp

import (
	"errors"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"mailsim/servers/env"
)

// TestPostmaster: RFC 5321 §4.5.1 says <postmaster>, without a domain
// and in any case, must be accepted, as must postmaster at each local
// domain, even from a client that may not relay. The table shows where
// such mail lands under each way of naming the postmaster.
func TestPostmaster(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(c *Config)
		rcpt      string
		reply     string // the whole 250 reply text
		box       string // the mailbox that gets the message
		recipient string // the envelope recipient logged for it
	}{
		{"bare, default: first address's mailbox", nil, "RCPT TO:<postmaster>",
			"2.1.5 Ok", "bob", "bob@comentum.com"},
		{"bare, any case, space after colon", nil, "rcpt to: <PostMaster>",
			"2.1.5 Ok", "bob", "bob@comentum.com"},
		{"at a hosted domain", nil, "RCPT TO:<postmaster@HisCompany.com>",
			"2.1.5 Ok", "bob", "bob@comentum.com"},
		{"explicit postmaster@ entry", func(c *Config) { c.Mailboxes["postmaster@comentum.com"] = "carol" },
			"RCPT TO:<postmaster>", "2.1.5 Ok", "carol", "postmaster@comentum.com"},
		{"Config.Postmaster", func(c *Config) { c.Postmaster = "carol" },
			"RCPT TO:<postmaster>", "2.1.5 Ok", "carol", "carol@comentum.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := env.NewLoopback("smtp.comentum.com", 1)
			log := &syncBuffer{}
			e.Log = log
			st := comentumStore()
			cfg := comentumConfig(e, st, world())
			if tc.setup != nil {
				tc.setup(&cfg)
			}
			s := mustNew(t, cfg)
			d := dial(t, start(t, s))
			d.expect("EHLO mx.example", 250, "")
			d.expect("MAIL FROM:<lisa@otherisp.com>", 250, "")
			if code, text := d.cmd(tc.rcpt); code != 250 || text != tc.reply {
				t.Fatalf("%q: %d %q, want 250 %q", tc.rcpt, code, text, tc.reply)
			}
			d.expect("DATA", 354, "")
			// A message line that looks like the command stays as it is.
			d.send("Subject: hello postmaster\r\n\r\nRCPT TO:<postmaster>\r\n")
			d.expect(".", 250, "")
			msgs := st.Messages(tc.box)
			if len(msgs) != 1 {
				t.Fatalf("%s has %d messages, want 1", tc.box, len(msgs))
			}
			if !strings.HasSuffix(string(msgs[0].Data), "\r\n\r\nRCPT TO:<postmaster>\r\n") {
				t.Errorf("body changed:\n%s", msgs[0].Data)
			}
			if !strings.Contains(log.String(), " from lisa@otherisp.com for "+tc.recipient+"\n") {
				t.Errorf("notes lack recipient %s:\n%s", tc.recipient, log)
			}
		})
	}
}

// TestPostmasterNotRewritten: only a bare <postmaster> is completed;
// other bare names keep go-smtp's syntax error, and after DATA the
// session still rewrites commands.
func TestPostmasterNotRewritten(t *testing.T) {
	e := env.NewLoopback("smtp.comentum.com", 1)
	st := comentumStore()
	s := mustNew(t, comentumConfig(e, st, world()))
	d := dial(t, start(t, s))
	d.expect("EHLO mx.example", 250, "")
	d.expect("MAIL FROM:<lisa@otherisp.com>", 250, "")
	for _, line := range []string{"RCPT TO:<bob>", "RCPT TO:<postmasterx>", "RCPT TO:postmaster"} {
		if code, text := d.cmd(line); code != 501 || text != "5.5.2 Was expecting RCPT arg syntax of TO:<address>" {
			t.Errorf("%q: %d %q, want 501", line, code, text)
		}
	}
	d.expect("RCPT TO:<bob@comentum.com>", 250, "")
	d.expect("DATA", 354, "")
	d.send("Subject: one\r\n\r\nhi\r\n")
	d.expect(".", 250, "")
	d.expect("MAIL FROM:<lisa@otherisp.com>", 250, "")
	d.expect("RCPT TO:<postmaster> NOTIFY=NEVER", 504, "NOTIFY is not implemented") // parameters pass through
	d.expect("RCPT TO:<Postmaster>", 250, "2.1.5 Ok")
}

// TestPostmasterViaLMTP: with a separate POP3 host, postmaster mail is
// re-addressed to the postmaster's real address, which the POP3 host
// knows.
func TestPostmasterViaLMTP(t *testing.T) {
	lmtpAddr, popStore := startLMTP(t, &syncBuffer{})
	w := newISPs(t, world())
	w.comCfg.Store = nil
	w.comCfg.LMTPAddr = lmtpAddr
	w.startCom()
	d := dial(t, w.comAddr)
	d.expect("EHLO mx.example", 250, "")
	d.expect("MAIL FROM:<lisa@otherisp.com>", 250, "")
	d.expect("RCPT TO:<postmaster>", 250, "2.1.5 Ok")
	d.expect("DATA", 354, "")
	d.send("Subject: to the postmaster\r\n\r\nhi\r\n")
	d.expect(".", 250, "")
	waitMessages(t, popStore, "bob", 1)
	waitFor(t, func() bool { return len(w.com.Queue()) == 0 })
	if !strings.Contains(w.comLog.String(), "to bob@comentum.com via LMTP "+lmtpAddr+": 250 2.0.0") {
		t.Errorf("no LMTP delivery note:\n%s", w.comLog)
	}
}

// TestIdleTimeout: a client that says nothing gets one 421 naming the
// server (RFC 5321 §3.8, §4.5.3.2.7) and the connection closes; inside
// DATA the longer DataTimeout applies. The timeouts are short so the
// test runs quickly; the bounds it checks are generous.
func TestIdleTimeout(t *testing.T) {
	const want = "4.4.2 smtp.comentum.com Error: timeout exceeded"
	newServer := func(t *testing.T, idle, data time.Duration) (*dialog, *syncBuffer) {
		e := env.NewLoopback("smtp.comentum.com", 1)
		log := &syncBuffer{}
		e.Log = log
		cfg := comentumConfig(e, comentumStore(), world())
		cfg.IdleTimeout, cfg.DataTimeout = idle, data
		return dial(t, start(t, mustNew(t, cfg))), log
	}
	closed := func(t *testing.T, d *dialog) {
		t.Helper()
		if code, text := d.read(); code != 0 || text != "" {
			t.Fatalf("after the 421: %d %q, want the connection closed", code, text)
		}
	}

	t.Run("waiting for a command", func(t *testing.T) {
		d, _ := newServer(t, 200*time.Millisecond, 0)
		d.expect("EHLO mx.example", 250, "")
		begin := time.Now()
		if code, text := d.read(); code != 421 || text != want {
			t.Fatalf("idle: %d %q, want 421 %q", code, text, want)
		}
		if waited := time.Since(begin); waited < 150*time.Millisecond {
			t.Errorf("421 after %v, before the idle timeout", waited)
		}
		closed(t, d)
	})
	t.Run("a slow DATA within DataTimeout", func(t *testing.T) {
		d, _ := newServer(t, 200*time.Millisecond, 5*time.Second)
		d.expect("EHLO mx.example", 250, "")
		d.expect("MAIL FROM:<lisa@otherisp.com>", 250, "")
		d.expect("RCPT TO:<bob@comentum.com>", 250, "")
		d.expect("DATA", 354, "")
		d.send("Subject: slow\r\n\r\n")
		time.Sleep(600 * time.Millisecond) // longer than the idle timeout
		d.send("done\r\n")
		d.expect(".", 250, "")
	})
	t.Run("DATA past DataTimeout", func(t *testing.T) {
		d, log := newServer(t, 100*time.Millisecond, 300*time.Millisecond)
		d.expect("EHLO mx.example", 250, "")
		d.expect("MAIL FROM:<lisa@otherisp.com>", 250, "")
		d.expect("RCPT TO:<bob@comentum.com>", 250, "")
		d.expect("DATA", 354, "")
		d.send("Subject: never finished\r\n")
		if code, text := d.read(); code != 421 || text != want {
			t.Fatalf("DATA timeout: %d %q, want 421 %q", code, text, want)
		}
		closed(t, d)
		if !strings.Contains(log.String(), "timeout in DATA from 127.0.0.1") {
			t.Errorf("no timeout note:\n%s", log)
		}
	})
}

// TestDeferralNote: a failed MX lookup is deferred with a note that
// reads cleanly whatever the resolver's error text looks like.
func TestDeferralNote(t *testing.T) {
	cause := errors.New("dns: comentum.com MX: SERVFAIL")
	tests := []struct {
		name string
		err  *net.DNSError
		want string // the reason after "type=MX: "
	}{
		{"plain", &net.DNSError{Err: "server misbehaving", Name: "comentum.com", Server: "10.0.0.53:53", IsTemporary: true},
			"server misbehaving"},
		{"with rcode", &net.DNSError{Err: "server misbehaving: SERVFAIL", Name: "comentum.com", Server: "10.0.0.53:53", IsTemporary: true},
			"server misbehaving: SERVFAIL"},
		{"dangling colon with cause", &net.DNSError{Err: "server misbehaving: ", Name: "comentum.com", UnwrapErr: cause, IsTemporary: true},
			"server misbehaving (dns: comentum.com MX: SERVFAIL)"},
		{"dangling colon alone", &net.DNSError{Err: "server misbehaving:", Name: "comentum.com", IsTemporary: true},
			"server misbehaving"},
		{"empty", &net.DNSError{Name: "comentum.com", IsTemporary: true}, "lookup failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := world()
			r.errs = map[string]error{"comentum.com": tc.err}
			w := newISPs(t, r)
			submit(t, w.otherAddr, "lisa@otherisp.com", []string{"bob@comentum.com"}, lisaMsg)
			if d := w.otherEnv.nextSleep(t); d != time.Minute {
				t.Fatalf("retry delay %v, want 1m", d)
			}
			note := regexp.MustCompile(`(?m)^smtp\.otherisp\.com: deferred [0-9A-F]{10}: (.*)$`).FindStringSubmatch(w.otherLog.String())
			want := "Host or domain name not found. Name service error for name=comentum.com type=MX: " + tc.want + "; retry in 1m"
			if note == nil || note[1] != want {
				t.Fatalf("deferral note %q, want %q\nnotes:\n%s", note, want, w.otherLog)
			}
			if q := w.other.Queue(); len(q) != 1 || q[0].LastError != strings.TrimSuffix(want, "; retry in 1m") {
				t.Errorf("queue: %+v", q)
			}
		})
	}
}

package smtp

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailsim/servers/env"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file:\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

// send runs one whole transaction over a raw dialog.
func (d *dialog) sendMail(from string, to []string, body string) (int, string) {
	d.t.Helper()
	d.expect("MAIL FROM:<"+from+">", 250, "")
	for _, r := range to {
		d.expect("RCPT TO:<"+r+">", 250, "")
	}
	d.expect("DATA", 354, "")
	d.send(body)
	return d.cmd(".")
}

func TestDeliverLocal(t *testing.T) {
	log := &syncBuffer{}
	e := env.NewLoopback("smtp.comentum.com", 1)
	e.Log = log
	st := comentumStore()
	s := mustNew(t, comentumConfig(e, st, world()))
	d := dial(t, start(t, s))
	d.expect("EHLO smtp.otherisp.com", 250, "")
	// A bare LF line end, a forged Return-Path and a dot-stuffed line.
	code, text := d.sendMail("lisa@otherisp.com", []string{"bob@comentum.com", "carol@comentum.com"},
		"Return-Path: <forged@example.com>\r\nFrom: Lisa <lisa@otherisp.com>\r\nTo: bob@comentum.com\r\nSubject: Hi\r\n\r\nHello Bob,\nsecond line\r\n..dot line\r\n")
	if code != 250 {
		t.Fatalf("end of data: %d %s", code, text)
	}
	d.expect("QUIT", 221, "")
	for _, box := range []string{"bob", "carol"} {
		msgs := st.Messages(box)
		if len(msgs) != 1 {
			t.Fatalf("%s has %d messages, want 1", box, len(msgs))
		}
		golden(t, "local-"+box+".eml", msgs[0].Data)
	}
	if q := s.Queue(); len(q) != 0 {
		t.Errorf("queue not empty: %+v", q)
	}
	notes := log.String()
	for _, want := range []string{"accepted ", " from lisa@otherisp.com for bob@comentum.com, carol@comentum.com", "to mailbox bob", "to mailbox carol"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}

// TestDataFailures covers messages that must not be delivered: a
// client hanging up mid-DATA, an overlong line, a size overrun, a loop.
// Each DATA gets exactly one reply: after it the session either goes on
// (NOOP answers) or the connection is closed with nothing more said.
func TestDataFailures(t *testing.T) {
	loop := strings.Repeat("Received: from a by b; Mon, 05 Jan 2026 09:00:00 +0000\r\n", DefaultMaxHops)
	tests := []struct {
		name   string
		body   string // sent after 354
		hang   bool   // the client hangs up after body
		code   int
		text   string // the whole reply text after the code
		closed bool   // the server hangs up after its reply
	}{
		{"disconnect mid-DATA", "Subject: cut\r\n\r\nhalf a mess", true, 0, "", true},
		{"overlong line in DATA", "Subject: x\r\n\r\n" + strings.Repeat("y", 2000) + "\r\nmore\r\n.\r\n", false,
			500, "5.5.2 Line too long, closing connection", true},
		{"too big", "Subject: x\r\n\r\n" + strings.Repeat(strings.Repeat("z", 900)+"\r\n", 20) + ".\r\n", false,
			552, "5.3.4 Message size exceeds fixed limit", false}, // Postfix's words
		{"mail loop", loop + "\r\nbody\r\n.\r\n", false, 554, "5.4.6 Too many hops (mail forwarding loop)", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := env.NewLoopback("smtp.comentum.com", 1)
			log := &syncBuffer{}
			e.Log = log
			st := comentumStore()
			cfg := comentumConfig(e, st, world())
			cfg.MaxMessageBytes = 10000
			s := mustNew(t, cfg)
			d := dial(t, start(t, s))
			d.expect("EHLO smtp.otherisp.com", 250, "")
			d.expect("MAIL FROM:<lisa@otherisp.com>", 250, "")
			d.expect("RCPT TO:<bob@comentum.com>", 250, "")
			d.expect("DATA", 354, "")
			d.send(tc.body)
			if tc.hang {
				d.c.Close()
				waitFor(t, func() bool { return strings.Contains(log.String(), "aborted DATA") })
			} else {
				if code, text := d.read(); code != tc.code || text != tc.text {
					t.Fatalf("end of data: %d %q, want %d %q", code, text, tc.code, tc.text)
				}
				if tc.closed {
					if code, text := d.read(); code != 0 || text != "" {
						t.Fatalf("after the reply: %d %q, want the connection closed", code, text)
					}
				} else {
					d.expect("NOOP", 250, "")
				}
			}
			if n := len(st.Messages("bob")); n != 0 {
				t.Errorf("bob has %d messages, want 0", n)
			}
			if q := s.Queue(); len(q) != 0 {
				t.Errorf("queue: %+v", q)
			}
		})
	}
}

// waitFor polls cond for up to ten seconds of real time: the servers run
// in their own goroutines.
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

package smtp

import (
	"encoding/base64"
	"strings"
	"testing"

	"mailsim/servers/env"
)

type step struct {
	send string
	code int
	text string
}

// TestPolicy drives raw conversations with Comentum's server, where the
// test client is an outside host, and checks each reply.
func TestPolicy(t *testing.T) {
	plain := func(user, pass string) string {
		return base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + pass))
	}
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tests := []struct {
		name  string
		steps []step
	}{
		{"inbound for a local user", []step{
			{"EHLO smtp.otherisp.com", 250, "AUTH PLAIN LOGIN"},
			{"MAIL FROM:<lisa@otherisp.com>", 250, ""},
			{"RCPT TO:<bob@comentum.com>", 250, ""},
			{"RCPT TO:<Bob@HisCompany.COM>", 250, ""},
		}},
		{"relay denied", []step{
			{"EHLO spammer.example", 250, ""},
			{"MAIL FROM:<lisa@otherisp.com>", 250, ""},
			{"RCPT TO:<someone@elsewhere.example>", 554, "5.7.1 <someone@elsewhere.example>: Relay access denied"},
		}},
		{"unknown local user", []step{
			{"EHLO smtp.otherisp.com", 250, ""},
			{"MAIL FROM:<lisa@otherisp.com>", 250, ""},
			{"RCPT TO:<nobody@comentum.com>", 550, "5.1.1 <nobody@comentum.com>: Recipient address rejected: User unknown"},
		}},
		{"sender domain does not exist", []step{
			{"EHLO x.example", 250, ""},
			{"MAIL FROM:<joe@nxdomain.example>", 550, "5.1.8 <joe@nxdomain.example>: Sender address rejected: Domain not found"},
		}},
		{"sender domain lookup fails for now", []step{
			{"EHLO x.example", 250, ""},
			{"MAIL FROM:<joe@tempfail.example>", 451, "4.4.3"},
		}},
		{"sender domain with only an address", []step{
			{"EHLO x.example", 250, ""},
			{"MAIL FROM:<joe@hostonly.example>", 250, ""},
		}},
		{"sender domain with null MX", []step{
			{"EHLO x.example", 250, ""},
			{"MAIL FROM:<joe@nullmx.example>", 550, "5.7.27"},
		}},
		{"null sender for bounces", []step{
			{"EHLO smtp.otherisp.com", 250, ""},
			{"MAIL FROM:<>", 250, ""},
			{"RCPT TO:<bob@comentum.com>", 250, ""},
		}},
		{"malformed addresses", []step{
			{"EHLO x.example", 250, ""},
			{"MAIL FROM:<lisa@bad_domain!>", 553, "5.1.7"},
			{"MAIL FROM:lisa", 501, "5.5.2"},
			{"MAIL FROM:<lisa@otherisp.com>", 250, ""},
			{"RCPT TO:<bob@-comentum.com>", 553, "5.1.3"},
			{"RCPT TO:<bob..x@comentum.com>", 553, "5.1.3"},
		}},
		{"commands out of sequence", []step{
			{"MAIL FROM:<lisa@otherisp.com>", 503, "5.5.1"},
			{"EHLO x.example", 250, ""},
			{"RCPT TO:<bob@comentum.com>", 503, "5.5.1 Error: need MAIL command"},
			{"DATA", 503, "5.5.1"},
		}},
		{"protocol garbage", []step{
			{"EHLO x.example", 250, ""},
			{"XYZZ plugh", 500, "5.5.2 Syntax errors, XYZZ command unrecognized"},
			{"XYZZY plugh", 501, "5.5.2 Bad command"},
			{"\x00\x01\x02\x03\xff\xfe binary", 501, "5.5.2"},
			{"NOOP", 250, ""},
		}},
		{"too many errors closes the connection", []step{
			{"EHLO x.example", 250, ""},
			{"BAD1 x", 500, ""},
			{"BAD2 x", 500, ""},
			{"BAD3 x", 500, ""},
			{"BAD4 x", 500, "unrecognized"},
			{"", 500, "Too many errors"},
			{"", 0, ""}, // and hangs up
		}},
		{"overlong line", []step{
			{"EHLO x.example", 250, ""},
			// One reply, then the connection closes (see errLineTooLong).
			{"NOOP " + strings.Repeat("x", 1001), 500, "5.5.2 Line too long, closing connection"},
			{"", 0, ""},
		}},
		{"AUTH PLAIN lets an outsider relay", []step{
			{"EHLO laptop", 250, ""},
			{"AUTH PLAIN " + plain("bob", "bobpw"), 235, "2.0.0"},
			{"MAIL FROM:<bob@comentum.com>", 250, ""},
			{"RCPT TO:<lisa@otherisp.com>", 250, ""},
		}},
		{"AUTH PLAIN with a full address", []step{
			{"EHLO laptop", 250, ""},
			{"AUTH PLAIN " + plain("bob@hiscompany.com", "bobpw"), 235, ""},
		}},
		{"AUTH LOGIN", []step{
			{"EHLO laptop", 250, ""},
			{"AUTH LOGIN", 334, b64("Username:")},
			{b64("carol"), 334, b64("Password:")},
			{b64("carolpw"), 235, ""},
		}},
		{"AUTH with a wrong password", []step{
			{"EHLO laptop", 250, ""},
			{"AUTH PLAIN " + plain("bob", "wrong"), 535, "5.7.8"},
			{"MAIL FROM:<bob@comentum.com>", 250, ""},
			{"RCPT TO:<lisa@otherisp.com>", 554, "Relay access denied"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := env.NewLoopback("smtp.comentum.com", 1)
			s := mustNew(t, comentumConfig(e, comentumStore(), world()))
			d := dial(t, start(t, s))
			for _, st := range tc.steps {
				if st.send == "" { // a reply nobody asked for
					if code, text := d.read(); code != st.code || !strings.Contains(text, st.text) {
						t.Fatalf("got %d %q, want %d containing %q", code, text, st.code, st.text)
					}
					continue
				}
				d.expect(st.send, st.code, st.text)
			}
		})
	}
}

// TestLocalNetRelays checks the other role: a client inside LocalNets
// may send anywhere without AUTH.
func TestLocalNetRelays(t *testing.T) {
	e := env.NewLoopback("smtp.otherisp.com", 1)
	s := mustNew(t, otherispConfig(e, otherispStore(), world()))
	d := dial(t, start(t, s))
	d.expect("EHLO lisa-pc", 250, "")
	d.expect("MAIL FROM:<lisa@otherisp.com>", 250, "")
	d.expect("RCPT TO:<bob@comentum.com>", 250, "")
	d.expect("RCPT TO:<nobody@otherisp.com>", 550, "User unknown")
}

func TestConfigErrors(t *testing.T) {
	e := env.NewLoopback("x", 1)
	good := comentumConfig(e, comentumStore(), world())
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"no env", func(c *Config) { c.Env = nil }, "Env is required"},
		{"no hostname", func(c *Config) { c.Hostname = "" }, "Hostname is required"},
		{"no resolver", func(c *Config) { c.Resolver = nil }, "Resolver is required"},
		{"no store", func(c *Config) { c.Store = nil }, "need a Store or an LMTPAddr"},
		{"foreign mailbox", func(c *Config) { c.Mailboxes = map[string]string{"x@elsewhere.example": "x"} }, "not in Domains"},
		{"bad domain", func(c *Config) { c.Domains = []string{"bad domain"} }, "not a valid domain"},
		{"bad LMTP address", func(c *Config) { c.LMTPAddr = "nohostport" }, "LMTPAddr"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.mutate(&cfg)
			_, err := New(cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New: %v, want error containing %q", err, tc.want)
			}
		})
	}
}

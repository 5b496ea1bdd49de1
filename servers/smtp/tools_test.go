package smtp

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"mailsim/internal/testtool"
)

func hostPort(t testing.TB, addr string) (string, string) {
	return "127.0.0.1", strconv.Itoa(portOf(t, addr))
}

// TestPythonSmtplib runs Python's smtplib against Comentum's server.
func TestPythonSmtplib(t *testing.T) {
	py := testtool.Require(t, "python3")
	w := newISPs(t, world())
	w.startCom()
	host, port := hostPort(t, w.comAddr)
	out, err := exec.Command(py, "testdata/smtplib_client.py", host, port).CombinedOutput()
	if err != nil {
		t.Fatalf("smtplib_client.py: %v\n%s", err, out)
	}
	want := []string{
		"ehlo 250", "ehlo-auth yes", "mail 250", "rcpt-local 250", "rcpt-relay 554",
		"rcpt-unknown 550", "data 250", "rset 250", "rcpt-before-mail 503",
		"auth-plain 235", "sendmail-relay 250", "auth-login 235", "auth-bad 535",
	}
	got := strings.Split(strings.TrimSpace(string(out)), "\n")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("smtplib results:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := len(waitMessages(t, w.comStore, "bob", 1)); n != 1 {
		t.Errorf("bob has %d messages", n)
	}
	// Bob's authenticated mail crossed to Lisa's ISP.
	msgs := waitMessages(t, w.otherStore, "lisa", 1)
	if !strings.Contains(string(msgs[0].Data), "by smtp.comentum.com with ESMTPA id") {
		t.Errorf("no authenticated hop in:\n%s", msgs[0].Data)
	}
}

// TestSwaks uses swaks, the SMTP test tool, as an outside client.
func TestSwaks(t *testing.T) {
	swaks := testtool.Require(t, "swaks")
	w := newISPs(t, world())
	w.startCom()
	host, port := hostPort(t, w.comAddr)
	run := func(args ...string) (string, error) {
		base := []string{"--server", host, "--port", port, "--helo", "smtp.otherisp.com", "--timeout", "10"}
		out, err := exec.Command(swaks, append(base, args...)...).CombinedOutput()
		return string(out), err
	}
	tests := []struct {
		name   string
		args   []string
		ok     bool
		expect string
	}{
		{"inbound", []string{"--from", "lisa@otherisp.com", "--to", "bob@comentum.com"}, true, "<-  250 2.0.0 Ok: queued as "},
		{"relay denied", []string{"--from", "lisa@otherisp.com", "--to", "someone@elsewhere.example"}, false, "<** 554 5.7.1 <someone@elsewhere.example>: Relay access denied"},
		{"unknown user", []string{"--from", "lisa@otherisp.com", "--to", "nobody@comentum.com"}, false, "<** 550 5.1.1"},
		{"bad sender domain", []string{"--from", "joe@nxdomain.example", "--to", "bob@comentum.com"}, false, "<** 550 5.1.8"},
		{"auth plain", []string{"--from", "bob@comentum.com", "--to", "lisa@otherisp.com",
			"--auth", "PLAIN", "--auth-user", "bob", "--auth-password", "bobpw"}, true, "<-  235 2.0.0 Authentication succeeded"},
		{"auth login", []string{"--from", "bob@comentum.com", "--to", "lisa@otherisp.com",
			"--auth", "LOGIN", "--auth-user", "bob@comentum.com", "--auth-password", "bobpw"}, true, "<-  235 2.0.0"},
		{"auth wrong password", []string{"--from", "bob@comentum.com", "--to", "lisa@otherisp.com",
			"--auth", "PLAIN", "--auth-user", "bob", "--auth-password", "nope"}, false, "<** 535 5.7.8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := run(tc.args...)
			if (err == nil) != tc.ok || !strings.Contains(out, tc.expect) {
				t.Errorf("swaks %v: err=%v, want ok=%v and %q in:\n%s", tc.args, err, tc.ok, tc.expect, out)
			}
		})
	}
	waitMessages(t, w.comStore, "bob", 1)
	waitMessages(t, w.otherStore, "lisa", 2)
}

// TestSMTPSource uses Postfix's smtp-source as a load generator: several
// parallel sessions, every message must land in the mailbox.
func TestSMTPSource(t *testing.T) {
	src := testtool.Require(t, "smtp-source")
	w := newISPs(t, world())
	w.startCom()
	const sessions, messages = 4, 200
	start := time.Now()
	out, err := exec.Command(src, "-s", strconv.Itoa(sessions), "-m", strconv.Itoa(messages), "-l", "1024",
		"-M", "smtp.otherisp.com", "-f", "lisa@otherisp.com", "-t", "bob@comentum.com", w.comAddr).CombinedOutput()
	if err != nil {
		t.Fatalf("smtp-source: %v\n%s", err, out)
	}
	elapsed := time.Since(start)
	waitMessages(t, w.comStore, "bob", messages)
	t.Logf("smtp-source: %d messages in %v (%.0f msg/s, %d sessions)", messages, elapsed, messages/elapsed.Seconds(), sessions)
}

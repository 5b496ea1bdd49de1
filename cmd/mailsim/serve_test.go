package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"mailsim/internal/testtool"
	"mailsim/servers/world"
)

// mailsim serve, as a user runs it: swaks sends from "lisa-pc" through
// otherisp's server, the message crosses the simulation, and Python's
// poplib downloads it from Comentum's POP3 server as bob.
func TestServeWithRealClients(t *testing.T) {
	testtool.Require(t, "swaks")
	testtool.Require(t, "python3")
	// figure-b with Bob's own download and delete at 1 h instead of 30 s:
	// however slow the machine, poplib finds the messages first.
	srv := startServe(t, "--loopback", "127.3.0.0", "--speed", "2", figureBLateCheck(t))
	if srv.From != "lisa-pc" {
		t.Errorf("real clients connect as %q, want the first PC lisa-pc", srv.From)
	}
	addr := func(host, service string) (string, string) { return srv.addr(t, host, service) }
	ip, port := addr("smtp.otherisp.com", "smtp")
	out, err := exec.Command("swaks", "--server", ip, "--port", port, "--from", "lisa@otherisp.com",
		"--to", "bob@comentum.com", "--helo", "lisa-pc", "--header", "Subject: via mailsim serve",
		"--body", "Sent by swaks from outside.", "--timeout", "30").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "250 2.0.0 Ok: queued as ") {
		t.Fatalf("swaks: %v\n%s", err, out)
	}
	// Submission (587): the same server, but a login is required even
	// from the ISP's own LAN.
	ip, port = addr("smtp.otherisp.com", "submission")
	if ep := port; ep != "10587" {
		t.Errorf("submission exposed on port %s, want 10587 (587 + the offset)", ep)
	}
	sub := func(extra ...string) (string, error) {
		args := append([]string{"--server", ip, "--port", port, "--from", "lisa@otherisp.com",
			"--to", "bob@comentum.com", "--helo", "lisa-pc", "--header", "Subject: via submission",
			"--timeout", "30"}, extra...)
		out, err := exec.Command("swaks", args...).CombinedOutput()
		return string(out), err
	}
	if out, err := sub(); err == nil || !strings.Contains(out, "<** 530 5.7.0 Authentication required") {
		t.Errorf("submission without AUTH: err=%v, want 530 5.7.0 in:\n%s", err, out)
	}
	if out, err := sub("--auth", "PLAIN", "--auth-user", "lisa", "--auth-password", "secret1"); err != nil ||
		!strings.Contains(out, "<-  235 2.0.0") || !strings.Contains(out, "250 2.0.0 Ok: queued as ") {
		t.Errorf("submission with AUTH PLAIN: err=%v, want 235 then 250 queued in:\n%s", err, out)
	}
	if out, err := sub("--auth", "LOGIN", "--auth-user", "lisa", "--auth-password", "wrong"); err == nil || !strings.Contains(out, "<** 535 5.7.8") {
		t.Errorf("submission with a wrong password: err=%v, want 535 5.7.8 in:\n%s", err, out)
	}
	ip, port = addr("pop3.comentum.com", "pop3")
	script := `
import poplib, sys, time
for attempt in range(100):
    p = poplib.POP3(sys.argv[1], int(sys.argv[2]), timeout=30)
    p.user("bob"); p.pass_("secret2")
    subjects = []
    for i in range(1, p.stat()[0] + 1):
        subjects += [l.decode() for l in p.retr(i)[1] if l.startswith(b"Subject:")]
    p.quit()
    if "Subject: via mailsim serve" in subjects and "Subject: via submission" in subjects:
        print("\n".join(subjects)); sys.exit(0)
    time.sleep(0.1)
sys.exit("the message never arrived")
`
	out, err = exec.Command("python3", "-c", script, ip, port).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Subject: via mailsim serve") || !strings.Contains(string(out), "Subject: via submission") {
		t.Fatalf("poplib: %v\n%s", err, out)
	}
	// Ctrl-C stops it cleanly, with results.
	srv.cmd.Process.Signal(syscall.SIGINT)
	if tail := srv.stopped(t); !strings.Contains(tail, "stopped at") {
		t.Errorf("no closing report after Ctrl-C:\n%s", tail)
	}
}

// A --trace file that cannot be written is reported, with exit status 3,
// not dropped: /dev/full fails every write.
func TestServeTraceWriteError(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	cmd := exec.Command(binary, "serve", "--offset", "--loopback", "127.5.0.0", "--speed", "1000", "--trace", "/dev/full", "figure-b")
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// Once the readable trace (after the map) shows an event, the JSON
	// one has one too, and Ctrl-C is handled.
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.Contains(sc.Text(), "Ctrl-C stops.") {
	}
	for sc.Scan() && sc.Text() == "" {
	}
	cmd.Process.Signal(syscall.SIGINT)
	for sc.Scan() {
	}
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Errorf("serve with an unwritable trace: %v, want exit status 3\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "writing /dev/full") {
		t.Errorf("stderr does not name the trace file:\n%s", stderr.String())
	}
}

// figureBLateCheck writes figure-b with Bob's own download moved from
// 30 s to 1 h and returns its path.
func figureBLateCheck(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../../scenarios/figure-b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const check = "{at: 30s, check: bob-pc}"
	if !bytes.Contains(data, []byte(check)) {
		t.Fatalf("figure-b.yaml no longer has %q", check)
	}
	path := filepath.Join(t.TempDir(), "figure-b.yaml")
	if err := os.WriteFile(path, bytes.Replace(data, []byte(check), []byte("{at: 1h, check: bob-pc}"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// served is a mailsim serve a test started, its address map read.
type served struct {
	cmd       *exec.Cmd
	out       *bufio.Reader // what it prints after the map
	line      string        // the map as printed
	From      string
	Endpoints []world.Endpoint
}

// startServe runs "mailsim serve --json --offset --quiet ARGS…" and reads
// its address map; the process is killed when the test ends.
func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--json", "--offset", "--quiet"}, args...)...)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	s := &served{cmd: cmd, out: bufio.NewReader(stdout)}
	var err error
	if s.line, err = s.out.ReadString('\n'); err != nil {
		t.Fatalf("reading the address map: %v", err)
	}
	if err := json.Unmarshal([]byte(s.line), s); err != nil {
		t.Fatalf("address map %q: %v", s.line, err)
	}
	return s
}

// addr is where a real client reaches host's TCP service: IP and port,
// on loopback.
func (s *served) addr(t *testing.T, host, service string) (string, string) {
	t.Helper()
	for _, ep := range s.Endpoints {
		if ep.Host == host && ep.Service == service && ep.Proto == "tcp" {
			if !ep.Real.Addr().IsLoopback() {
				t.Fatalf("%s %s exposed on %s, not loopback", host, service, ep.Real)
			}
			return ep.Real.Addr().String(), strconv.Itoa(int(ep.Real.Port()))
		}
	}
	t.Fatalf("no %s on %s in %s", service, host, s.line)
	return "", ""
}

// stopped returns the rest of what serve prints once it has exited,
// which must be with status 0 within 30 s (after a Ctrl-C).
func (s *served) stopped(t *testing.T) string {
	t.Helper()
	rest := make(chan string, 1)
	go func() {
		var b strings.Builder
		sc := bufio.NewScanner(s.out)
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
		}
		rest <- b.String()
	}()
	select {
	case tail := <-rest:
		if err := s.cmd.Wait(); err != nil {
			t.Errorf("serve after Ctrl-C: %v\n%s", err, tail)
		}
		return tail
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30 s of Ctrl-C")
		return ""
	}
}

package e2e

import (
	"bufio"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"mailsim/internal/testtool"
)

// mailsim-view --serve: the window plays in real time and a real client
// (swaks) hands a message to a simulated SMTP server through loopback.
func TestLiveWindowAcceptsRealClient(t *testing.T) {
	testtool.Require(t, "swaks")
	bin := build(t)
	cmd := exec.Command(bin, "--serve", "--loopback", "127.4.0.0") // its own range: other tests expose worlds too
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	// The address map goes to stderr: "smtp.otherisp.com smtp tcp/198.51.100.25:25 → 127.1.0.2:25".
	re := regexp.MustCompile(`^smtp\.otherisp\.com\s+smtp\s+tcp/\S+\s+→\s+(\S+):(\d+)`)
	found := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1:]
			}
		}
	}()
	var ep []string
	select {
	case ep = <-found:
	case <-time.After(60 * time.Second):
		t.Fatal("mailsim-view --serve printed no SMTP endpoint within 60s")
	}
	out, err := exec.Command("swaks", "--server", ep[0], "--port", ep[1], "--from", "lisa@otherisp.com",
		"--to", "bob@comentum.com", "--helo", "lisa-pc", "--header", "Subject: live", "--timeout", "60").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "250 2.0.0 Ok: queued as ") {
		t.Fatalf("swaks through the live window: %v\n%s", err, out)
	}
}

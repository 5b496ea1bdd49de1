package world

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/netip"
	"os/exec"
	"strings"
	"testing"
	"time"

	"mailsim/internal/testtool"
)

// H1: a real client uploading far faster than the simulated link is
// slowed to it by the TCP window: what the simulation holds for the
// upload stays within a window, and another real client (smtplib) is
// served normally meanwhile. The upload is a DATA larger than the size
// limit, so it ends in 552 5.3.4 and nothing of it is accepted.
func TestExposeBackpressure(t *testing.T) {
	testtool.Require(t, "python3")
	rt := buildScenario(t, load(t, "figure-b.yaml"))
	x, err := rt.Expose(ExposeOptions{Base: netip.MustParseAddr("127.115.0.0"), AlwaysOffset: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer x.Close() // first, while Pace runs: a bridge's close takes a kernel turn
	done := make(chan error, 1)
	go func() { done <- rt.World.Pace(ctx, 20) }() // the PC's 20 Mbit/s link: 50 MB/s of real time
	ep := endpoint(t, x, "smtp.otherisp.com", "smtp", "tcp")

	c, err := net.Dial("tcp", ep.Real.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Minute))
	r := bufio.NewReader(c)
	expect := func(code string) string {
		t.Helper()
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("waiting for %s: %v", code, err)
			}
			if !strings.HasPrefix(line, code) {
				t.Fatalf("got %q, want %s", line, code)
			}
			if len(line) < 4 || line[3] != '-' {
				return line
			}
		}
	}
	expect("220")
	for _, cmd := range []struct{ line, code string }{
		{"EHLO uploader.example", "250"}, {"MAIL FROM:<lisa@otherisp.com>", "250"},
		{"RCPT TO:<bob@comentum.com>", "250"}, {"DATA", "354"},
	} {
		c.Write([]byte(cmd.line + "\r\n"))
		expect(cmd.code)
	}
	const total = 24 << 20
	line := append(bytes.Repeat([]byte("x"), 998), '\r', '\n')
	block := bytes.Repeat(line, 32)
	sent := make(chan int, 1)
	go func() {
		n := 0
		for n < total {
			m, err := c.Write(block)
			n += m
			if err != nil {
				break
			}
		}
		c.Write([]byte(".\r\n"))
		sent <- n
	}()

	client := rt.Host(x.From)
	peak := 0
	smtplib := make(chan string, 1)
	started := false
	for waiting := true; waiting; {
		select {
		case n := <-sent:
			if n < total {
				t.Fatalf("upload stopped after %d bytes", n)
			}
			waiting = false
		case <-time.After(5 * time.Millisecond):
		}
		peak = max(peak, client.TCPBuffered())
		if !started {
			started = true
			go func() {
				out, err := exec.Command("python3", "-c", `
import smtplib, sys
s = smtplib.SMTP(sys.argv[1], int(sys.argv[2]), timeout=60)
print(s.sendmail("lisa@otherisp.com", ["bob@comentum.com"], "Subject: during the upload\r\n\r\nHello.\r\n"))
s.quit()
`, ep.Real.Addr().String(), itoa(ep.Real.Port())).CombinedOutput()
				if err != nil {
					out = append(out, err.Error()...)
				}
				smtplib <- string(out)
			}()
		}
	}
	if got := expect("552"); !strings.Contains(got, "5.3.4") {
		t.Errorf("oversized DATA: %q, want 552 5.3.4", got)
	}
	if out := <-smtplib; strings.TrimSpace(out) != "{}" {
		t.Errorf("smtplib during the upload: %s", out)
	}
	// Two connections (the upload and smtplib's), each within a window.
	if win := 65535; peak > 2*win {
		t.Errorf("the simulation held %d bytes for the upload; the window is %d", peak, win)
	}
	t.Logf("uploaded %d MiB; at most %d bytes held in the simulation", total>>20, peak)
	c.Close()
	x.Close()
	cancel()
	<-done
}

// When the simulation fails, no driver runs: closing the world first
// wakes every bridge blocked in it, so closing the exposure then ends
// (serve stops in this order after a failure).
func TestExposeCloseAfterFailure(t *testing.T) {
	rt, err := Build(load(t, "figure-b.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	x, err := rt.Expose(ExposeOptions{Base: netip.MustParseAddr("127.116.0.0"), AlwaysOffset: true})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- rt.World.Pace(context.Background(), 20) }()
	ep := endpoint(t, x, "smtp.otherisp.com", "smtp", "tcp")
	c, err := net.Dial("tcp", ep.Real.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if line, err := bufio.NewReader(c).ReadString('\n'); err != nil || !strings.HasPrefix(line, "220 ") {
		t.Fatalf("greeting: %q %v", line, err)
	}
	// The bridge now waits in the simulation for the server's next reply.
	rt.World.Go("a failing goroutine", func() { panic("boom") })
	if err := <-done; err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("Pace: %v, want the panic", err)
	}
	closed := make(chan error, 1)
	go func() { rt.Close(); closed <- x.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Exposure.Close: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("closing after a failed simulation hangs")
	}
}

package main

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"mailsim/internal/testtool"
)

// stopScript holds sessions open with Python's own clients (smtplib in
// the middle of DATA, poplib and imaplib logged in), says READY, and
// prints what each reads once mailsim serve is stopped.
const stopScript = `
import smtplib, poplib, imaplib, sys
smtp_host, smtp_port, pop_host, pop_port, imap_host, imap_port = sys.argv[1:7]
s = smtplib.SMTP(smtp_host, int(smtp_port), timeout=30)
s.ehlo("lisa-pc")
s.mail("lisa@otherisp.com"); s.rcpt("bob@comentum.com")
code, _ = s.docmd("DATA")
assert code == 354, code
s.sock.sendall(b"Subject: cut off by Ctrl-C\r\n\r\nThe first half of")
p = poplib.POP3(pop_host, int(pop_port), timeout=30)
p.user("bob"); p.pass_("secret2")
m = imaplib.IMAP4(imap_host, int(imap_port), timeout=30)
m.login("bob", "secret2"); m.select("INBOX")
print("READY", flush=True)
code, msg = s.getreply()
print("smtplib:", code, msg.decode())
print("poplib:", p._getline()[0].decode())
print("imaplib:", m.readline().decode().rstrip())
`

// M4: Ctrl-C answers the sessions in flight before their connections
// close (421 4.3.2 in the middle of DATA, -ERR for POP3, * BYE for
// IMAP), and the message cut off is neither delivered nor lost.
func TestServeStopTellsClients(t *testing.T) {
	py := testtool.Require(t, "python3")
	srv := startServe(t, "--loopback", "127.133.0.0", "--speed", "2", "figure-b")
	var args []string
	for _, want := range [][2]string{{"smtp.otherisp.com", "smtp"}, {"pop3.comentum.com", "pop3"}, {"pop3.comentum.com", "imap"}} {
		ip, port := srv.addr(t, want[0], want[1])
		args = append(args, ip, port)
	}
	client := exec.Command(py, append([]string{"-c", stopScript}, args...)...)
	client.Stderr = os.Stderr
	pyOut, _ := client.StdoutPipe()
	if err := client.Start(); err != nil {
		t.Fatal(err)
	}
	defer client.Process.Kill()
	pr := bufio.NewReader(pyOut)
	if l, err := pr.ReadString('\n'); l != "READY\n" {
		t.Fatalf("python: %q, %v", l, err)
	}
	srv.cmd.Process.Signal(syscall.SIGINT)
	got := make(chan string, 1)
	go func() {
		var b strings.Builder
		for l, err := pr.ReadString('\n'); err == nil; l, err = pr.ReadString('\n') {
			b.WriteString(l)
		}
		got <- b.String()
	}()
	select {
	case out := <-got:
		want := "smtplib: 421 4.3.2 smtp.otherisp.com Service shutting down, closing transmission channel\n" +
			"poplib: -ERR [SYS/TEMP] Server shutting down.\n" +
			"imaplib: * BYE Server shutting down.\n"
		if out != want {
			t.Errorf("the clients read:\n%s\nwant:\n%s", out, want)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the clients read nothing within 30 s of Ctrl-C")
	}
	client.Wait()
	// Lisa's "Lunch?" of the timeline: accepted, none lost; the message
	// cut off in DATA was never accepted.
	if out := srv.stopped(t); !strings.Contains(out, "mail at the stop: 1 accepted: ") || !strings.Contains(out, ", 0 lost") {
		t.Errorf("remains after Ctrl-C:\n%s", out)
	}
}

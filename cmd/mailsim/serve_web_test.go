package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// serveWebMail starts "mailsim serve web-mail" and returns where a real
// client reaches a service of a host.
func serveWebMail(t *testing.T, loopback string) func(host, service string) (string, string) {
	t.Helper()
	// Speed 5: Bob's home computer deletes the message at 10 virtual
	// minutes, two real minutes after the start.
	srv := startServe(t, "--loopback", loopback, "--speed", "5", "web-mail")
	return func(host, service string) (string, string) { return srv.addr(t, host, service) }
}

// TestServeIMAPWithImaplib: Python's imaplib logs in to Comentum's IMAP
// server through mailsim serve and fetches Lisa's message, which stays.
func TestServeIMAPWithImaplib(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skipf("python3 not installed: %v", err)
	}
	addr := serveWebMail(t, "127.6.0.0")
	ip, port := addr("pop3.comentum.com", "imap")
	script := `
import imaplib, sys, time
for attempt in range(100):
    m = imaplib.IMAP4(sys.argv[1], int(sys.argv[2]))
    m.login("bob", "secret2")
    typ, data = m.select("INBOX")
    if int(data[0]) > 0:
        typ, got = m.fetch("1", "(BODY[HEADER.FIELDS (SUBJECT)])")
        print(got[0][1].decode().strip())
        typ, flags = m.fetch("1", "(FLAGS)")
        print(flags[0].decode())
        typ, data = m.select("INBOX")
        print("still there:", data[0].decode())
        m.logout(); sys.exit(0)
    m.logout(); time.sleep(0.1)
sys.exit("the message never arrived")
`
	out, err := exec.Command("python3", "-c", script, ip, port).CombinedOutput()
	t.Logf("imaplib:\n%s", out)
	if err != nil || !strings.Contains(string(out), "Subject: Dinner on Friday?") ||
		!strings.Contains(string(out), `\Seen`) || !strings.Contains(string(out), "still there: 1") {
		t.Fatalf("imaplib: %v\n%s", err, out)
	}
}

// TestServeWebMailInChromium: a real browser (headless Chromium) logs in
// to Comentum's Web Mail as bob and sees Lisa's message in the inbox.
func TestServeWebMailInChromium(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Skipf("chromium not installed (make deps installs it): %v", err)
	}
	addr := serveWebMail(t, "127.7.0.0")
	ip, port := addr("webmail.comentum.com", "http")
	text, shot, err := webmailInbox(browser, "http://"+ip+":"+port, t.TempDir())
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	// MAILSIM_WEBMAIL_SHOT=../../assets/webmail.png keeps the picture the
	// README shows.
	if f := os.Getenv("MAILSIM_WEBMAIL_SHOT"); f != "" {
		if err := os.WriteFile(f, shot, 0o644); err != nil {
			t.Error(err)
		}
	}
	t.Logf("the inbox page says:\n%s", text)
	if !strings.Contains(text, "Dinner on Friday?") || !strings.Contains(text, "bob") {
		t.Errorf("inbox without Lisa's message:\n%s", text)
	}
}

// webmailInbox logs in as bob in headless Chromium and returns the text
// of the inbox page and a screenshot (PNG).
func webmailInbox(browser, base, profile string) (string, []byte, error) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.UserDataDir(profile),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		// 10080 (80 + serve's offset) is on Chromium's list of unsafe ports.
		chromedp.Flag("explicitly-allowed-ports", "10080"),
		chromedp.WindowSize(900, 420),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=user]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=user]`), "bob"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "secret2"),
		chromedp.Click(chromedp.CSS(`main form button`)),
		chromedp.WaitVisible(chromedp.CSS(`table`)),
	)
	if err != nil {
		return "", nil, err
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`)))
	if err != nil {
		return "", nil, err
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	return text, shot, err
}

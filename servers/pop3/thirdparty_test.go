package pop3

import (
	"crypto/sha256"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mailsim/internal/testtool"
)

func hostPort(t *testing.T, addr string) (string, string) {
	t.Helper()
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return h, p
}

// TestPythonPoplib: Python's poplib logs in, lists, downloads and deletes.
func TestPythonPoplib(t *testing.T) {
	py := testtool.Require(t, "python3")
	st := newStore(t)
	addr, _ := startServer(t, st)
	host, port := hostPort(t, addr)
	out, err := exec.Command(py, "testdata/poplib_client.py", host, port, "bob", "secret").CombinedOutput()
	if err != nil {
		t.Fatalf("poplib: %v\n%s", err, out)
	}
	sum := func(s string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(s))) }
	want := strings.Join([]string{
		"welcome +OK pop.comentum.com POP3 server ready",
		"capa AUTH-RESP-CODE IMPLEMENTATION PIPELINING RESP-CODES TOP UIDL USER",
		"stat 2 126",
		"uidl 1 bob.1",
		"uidl 2 bob.2",
		"retr 1 96 " + sum(msg1),
		"dele 1 +OK message 1 deleted",
		"retr 2 30 " + sum(strings.ReplaceAll(msg2, "\n", "\r\n")),
		"dele 2 +OK message 2 deleted",
		"quit +OK pop.comentum.com POP3 server signing off (0 messages left)",
	}, "\n") + "\n"
	if string(out) != want {
		t.Fatalf("poplib output:\n%s\nwant:\n%s", out, want)
	}
	if n := len(st.Messages("bob")); n != 0 {
		t.Fatalf("%d messages left on server after poplib QUIT", n)
	}
}

// TestMpop: mpop downloads into an mbox file and deletes from the server,
// or keeps the messages with --keep.
func TestMpop(t *testing.T) {
	mpop := testtool.Require(t, "mpop")
	for _, keep := range []bool{false, true} {
		t.Run(fmt.Sprintf("keep=%v", keep), func(t *testing.T) {
			st := newStore(t)
			addr, _ := startServer(t, st)
			host, port := hostPort(t, addr)
			dir := t.TempDir()
			mbox := filepath.Join(dir, "mbox")
			conf := filepath.Join(dir, "mpoprc")
			keepWord := "off"
			if keep {
				keepWord = "on"
			}
			cfg := fmt.Sprintf("account bob\nhost %s\nport %s\nuser bob\npassword secret\nauth user\ntls off\n"+
				"delivery mbox %s\nkeep %s\nuidls_file %s\n", host, port, mbox, keepWord, filepath.Join(dir, "uidls"))
			if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(mbox, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(mpop, "-C", conf, "-q", "bob").CombinedOutput()
			if err != nil {
				t.Fatalf("mpop: %v\n%s", err, out)
			}
			got, _ := os.ReadFile(mbox)
			checkMbox(t, string(got))
			left := len(st.Messages("bob"))
			if keep && left != 2 || !keep && left != 0 {
				t.Fatalf("keep=%v: %d messages left on server", keep, left)
			}
		})
	}
}

// TestFetchmail: fetchmail hands each message to an MDA that appends it to
// a file, then deletes it from the server.
func TestFetchmail(t *testing.T) {
	fm := testtool.Require(t, "fetchmail")
	st := newStore(t)
	addr, _ := startServer(t, st)
	host, port := hostPort(t, addr)
	dir := t.TempDir()
	out := filepath.Join(dir, "mbox")
	rc := filepath.Join(dir, "fetchmailrc")
	cfg := fmt.Sprintf("poll %s protocol pop3 port %s user \"bob\" password \"secret\" sslproto '' no sslcertck\n", host, port)
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(fm, "-f", rc, "--nodetach", "--nosyslog", "-s",
		"--idfile", filepath.Join(dir, "ids"), "--mda", "sh -c 'printf \"From fetchmail\\n\" >> "+out+"; cat >> "+out+"'")
	cmd.Env = append(os.Environ(), "HOME="+dir, "FETCHMAILHOME="+dir)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fetchmail: %v\n%s", err, b)
	}
	got, _ := os.ReadFile(out)
	checkMbox(t, string(got))
	if n := len(st.Messages("bob")); n != 0 {
		t.Fatalf("%d messages left on server after fetchmail", n)
	}
}

// checkMbox checks that both fixture messages arrived intact, allowing for
// the headers a client adds and its own line endings.
func checkMbox(t *testing.T, mbox string) {
	t.Helper()
	norm := strings.ReplaceAll(mbox, "\r\n", "\n")
	for _, want := range []string{
		"Subject: Hello\n\nHi Bob\n.hidden dot line\nbye\n",
		"Subject: two\n\nline1\nline2\n",
		"From: lisa@otherisp.com\n",
	} {
		if !strings.Contains(norm, want) {
			t.Errorf("mailbox lacks %q; it holds:\n%s", want, mbox)
		}
	}
}

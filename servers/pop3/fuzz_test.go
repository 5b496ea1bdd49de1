package pop3

import (
	"bytes"
	"net"
	"regexp"
	"strings"
	"testing"
)

// memConn is a server-side net.Conn: the client's bytes come from in and
// then EOF, the server's replies go to out. It keeps a fuzz run
// deterministic and lets every reply be checked, even those after the
// client has finished sending.
type memConn struct {
	net.Conn // nil: only Read, Write and Close are used
	in       *bytes.Reader
	out      bytes.Buffer
	closed   bool
}

func (m *memConn) Read(p []byte) (int, error)  { return m.in.Read(p) }
func (m *memConn) Write(p []byte) (int, error) { return m.out.Write(p) }
func (m *memConn) Close() error                { m.closed = true; return nil }

// multiLineStart matches the +OK lines that begin a multi-line response.
var multiLineStart = regexp.MustCompile(`^\+OK (capability list follows|\d+ messages \(\d+ octets\)|unique-id listing follows|\d+ octets|top of message follows)$`)

// checkReplies verifies the framing of a server's whole output.
func checkReplies(t *testing.T, out string) {
	t.Helper()
	if out != "" && !strings.HasSuffix(out, "\r\n") {
		t.Fatalf("output does not end in CRLF: %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
	inBody := false
	for i, l := range lines {
		switch {
		case inBody && l == ".":
			inBody = false
		case inBody:
			if strings.ContainsAny(l, "\r\n") {
				t.Fatalf("line %d: bare CR/LF in body line %q", i, l)
			}
		case strings.HasPrefix(l, "+OK"):
			inBody = multiLineStart.MatchString(l)
		case strings.HasPrefix(l, "-ERR"):
		default:
			t.Fatalf("line %d is neither +OK nor -ERR: %q\nwhole output:\n%s", i, l, out)
		}
	}
	if inBody {
		t.Fatalf("multi-line reply not terminated:\n%s", out)
	}
}

func FuzzCommands(f *testing.F) {
	for _, seed := range []string{
		"USER bob\r\nPASS secret\r\nSTAT\r\nLIST\r\nUIDL\r\nRETR 1\r\nTOP 1 1\r\nDELE 1\r\nRSET\r\nQUIT\r\n",
		"CAPA\r\nUSER bob\r\nPASS secret\r\nRETR 2\r\nDELE 2\r\nRETR 2\r\nLIST 2\r\nNOOP\r\nQUIT\r\n",
		"PASS x\r\nSTAT\r\nUSER\r\n\x00\xff\r\n",
		"USER alice\nPASS pw with spaces\nLIST\nUIDL 1\n",
		strings.Repeat("Z", 600) + "\r\nNOOP\r\n",
		"USER bob\r\nPASS secret\r\nTOP 1 99999999999\r\nLIST 000001\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		st := newStore(t)
		srv := NewServer(NewStoreBackend(st))
		srv.Domain = "pop.comentum.com"
		mc := &memConn{in: bytes.NewReader(in)}
		newConn(srv, mc).serve()
		if !mc.closed {
			t.Fatal("serve returned without closing the conn")
		}
		checkReplies(t, mc.out.String())
		// The maildrop is unlocked again, whatever happened.
		md, err := st.Open("bob")
		if err != nil {
			t.Fatalf("maildrop left locked: %v", err)
		}
		md.Close()
		// Deletions only come from a QUIT in TRANSACTION state.
		if n := len(st.Messages("bob")); n < 2 && !bytes.Contains(bytes.ToUpper(in), []byte("QUIT")) {
			t.Fatalf("%d messages left without any QUIT", n)
		}
	})
}

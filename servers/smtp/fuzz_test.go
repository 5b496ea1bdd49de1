package smtp

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"mailsim/servers/env"
)

// replyLine is one SMTP reply line (RFC 5321 §4.2).
var replyLine = regexp.MustCompile(`^[2-5][0-9][0-9][ -][ -~]*$`)

// FuzzSession drives a whole SMTP session, commands and DATA, through
// the wire wrapper into the store, over a real loopback socket. Every
// reply is well formed, and every message the server said it queued is
// in a mailbox, with no line over 1000 octets and no NUL.
func FuzzSession(f *testing.F) {
	for _, seed := range []string{
		"EHLO a.example\r\nMAIL FROM:<lisa@otherisp.com>\r\nRCPT TO:<bob@comentum.com>\r\nDATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n",
		"HELO x\r\nMAIL FROM:<>\r\nRCPT TO:<Bob@Comentum.com>\r\nRCPT TO:<carol@comentum.com>\r\nDATA\r\n..dot\r\n.\r\n",
		"EHLO " + strings.Repeat("a", 980) + "\r\nMAIL FROM:<lisa@otherisp.com>\r\nRCPT TO:<bob@comentum.com>\r\nDATA\r\nx\r\n.\r\n",
		"EHLO [127.0.0.1]\r\nMAIL FROM:<lisa@otherisp.com>\r\nRCPT TO:<postmaster>\r\nDATA\r\nA\x00B\r\n.\r\nRSET\r\nNOOP\r\n",
		"EHLO a\r\nAUTH PLAIN AGJvYgBib2Jwdw==\r\nAUTH LOGIN\r\n*\r\nBDAT 5 LAST\r\nhello",
		"MAIL FROM:<a@b>\r\nDATA\r\n\r\n" + strings.Repeat("x", 1200) + "\r\n.\r\n",
	} {
		f.Add([]byte(seed))
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	e := env.NewLoopback("smtp.comentum.com", 1)
	e.Log = io.Discard
	st := comentumStore()
	s, err := New(comentumConfig(e, st, world()))
	if err != nil {
		f.Fatal(err)
	}
	go s.Serve(l)
	f.Cleanup(func() { s.Close() })
	addr := l.Addr().String()
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		go func() {
			c.Write(in)
			c.(*net.TCPConn).CloseWrite()
		}()
		out, _ := io.ReadAll(c)
		queued := 0
		sc := bufio.NewScanner(bytes.NewReader(out))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := strings.TrimSuffix(sc.Text(), "\r")
			if !replyLine.MatchString(line) {
				t.Fatalf("bad reply line %q in\n%s", line, out)
			}
			if strings.HasPrefix(line, "250 2.0.0 Ok: queued as ") {
				queued++
			}
		}
		var fresh [][]byte // the store is emptied after each input
		for _, box := range st.Users() {
			md, err := st.Open(box)
			if err != nil {
				t.Fatalf("mailbox %s left locked: %v", box, err)
			}
			var uids []string
			for _, m := range md.Messages() {
				fresh, uids = append(fresh, m.Data), append(uids, m.UID)
			}
			md.Expunge(uids)
			md.Close()
		}
		if len(fresh) < queued {
			t.Fatalf("%d messages queued, %d in the store", queued, len(fresh))
		}
		for _, m := range fresh {
			if bytes.IndexByte(m, 0) >= 0 {
				t.Fatalf("NUL stored: %q", m)
			}
			for _, line := range bytes.Split(m, []byte("\r\n")) {
				if len(line)+2 > 1000 {
					t.Fatalf("stored line of %d octets: %.80q…", len(line)+2, line)
				}
			}
		}
	})
}

package pop3

import (
	"net"
	"strings"
	"testing"

	"mailsim/servers/env"
	"mailsim/servers/store"
)

// BenchmarkRetrLoopback measures one whole download over real loopback:
// connect, USER/PASS, RETR, DELE, QUIT, for a 4 KiB message.
func BenchmarkRetrLoopback(b *testing.B) {
	st := store.New()
	st.AddUser("bob", "secret")
	msg := []byte("Subject: bench\r\n\r\n" + strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopq\r\n", 64))
	addr, _ := startServer(b, st)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := st.Deliver("bob", msg, env.Epoch); err != nil {
			b.Fatal(err)
		}
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		c, err := NewClient(nc)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.User("bob"); err != nil {
			b.Fatal(err)
		}
		if err := c.Pass("secret"); err != nil {
			b.Fatal(err)
		}
		got, err := c.Retr(1)
		if err != nil || len(got) != len(msg) {
			b.Fatalf("Retr: %d octets, %v", len(got), err)
		}
		if err := c.Dele(1); err != nil {
			b.Fatal(err)
		}
		if err := c.Quit(); err != nil {
			b.Fatal(err)
		}
	}
}

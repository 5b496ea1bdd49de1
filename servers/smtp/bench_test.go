package smtp

import (
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"

	"mailsim/servers/env"
)

// BenchmarkRelayLoopback measures whole SMTP transactions (connect, EHLO,
// MAIL, RCPT, DATA, QUIT) from an outside server into the store, over
// real loopback sockets.
func BenchmarkRelayLoopback(b *testing.B) {
	e := env.NewLoopback("smtp.comentum.com", 1)
	st := comentumStore()
	s := mustNew(b, comentumConfig(e, st, world()))
	addr := start(b, s)
	msg := "From: lisa@otherisp.com\r\nTo: bob@comentum.com\r\nSubject: bench\r\n\r\n" + strings.Repeat("0123456789abcdef\r\n", 32)
	b.SetBytes(int64(len(msg)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c, err := gosmtp.Dial(addr)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Hello("smtp.otherisp.com"); err != nil {
			b.Fatal(err)
		}
		if err := c.SendMail("lisa@otherisp.com", []string{"bob@comentum.com"}, strings.NewReader(msg)); err != nil {
			b.Fatal(err)
		}
		if err := c.Quit(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	if n := len(st.Messages("bob")); n != b.N {
		b.Fatalf("bob has %d messages, want %d", n, b.N)
	}
}

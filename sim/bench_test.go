package sim

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// BenchmarkKernelHops measures the kernel's raw rate of hop events:
// datagrams injected straight into a chain of 8 routers, no goroutines.
func BenchmarkKernelHops(b *testing.B) {
	w := New(Config{Seed: 1})
	prev := "a"
	w.AddHost("a", netip.MustParseAddr("192.0.2.1"))
	for i := 0; i < 8; i++ {
		r := fmt.Sprintf("r%d", i)
		w.AddRouter(r)
		w.Connect(prev, r, time.Millisecond, 0)
		prev = r
	}
	w.AddHost("b", netip.MustParseAddr("192.0.2.2"))
	w.Connect(prev, "b", time.Millisecond, 0)
	if err := w.Build(); err != nil {
		b.Fatal(err)
	}
	var events int
	w.Subscribe(func(*Event) { events++ })
	src, dst := w.Host("a"), w.Host("b")
	payload := []byte("synthetic")
	b.ReportAllocs()
	b.ResetTimer()
	const batch = 1000
	for done := 0; done < b.N; {
		w.mu.Lock()
		for i := 0; i < batch; i++ {
			w.transmit(&packet{proto: "udp", src: netip.AddrPortFrom(src.addr, 1), dst: netip.AddrPortFrom(dst.addr, 9),
				srcHost: src, dstHost: dst, payload: payload, summary: "synthetic"})
		}
		w.mu.Unlock()
		if err := w.RunUntil(w.Now() + time.Second); err != nil {
			b.Fatal(err)
		}
		done += batch
	}
	b.StopTimer()
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "hops/s")
	b.ReportMetric(float64(events)/float64(b.N), "hops/datagram")
}

func newBenchServer() *gosmtp.Server {
	srv := gosmtp.NewServer(&memBackend{})
	srv.Domain = "server"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	return srv
}

// sendOne sends one message with c, a client over a sim or a real conn.
func sendOne(c *gosmtp.Client) error {
	if err := c.SendMail("lisa@otherisp.com", []string{"bob@comentum.com"}, strings.NewReader("Subject: hi\r\n\r\nHello Bob.\r\n")); err != nil {
		return err
	}
	return c.Quit()
}

// BenchmarkSMTPExchange runs the same go-smtp conversation (connect, EHLO,
// MAIL, RCPT, DATA, QUIT) over the simulated network and over real
// loopback TCP, side by side, one message per iteration.
func BenchmarkSMTPExchange(b *testing.B) {
	b.Run("sim", func(b *testing.B) {
		w, a, s := twoISPs(b, 1)
		srv := newBenchServer()
		ln, _ := s.Listen("tcp", ":25")
		s.Go("smtpd", func() { srv.Serve(ln) })
		b.ReportAllocs()
		b.ResetTimer()
		a.Go("client", func() {
			for i := 0; i < b.N; i++ {
				conn, err := a.Dial(context.Background(), "tcp", "server:25")
				if err == nil {
					err = sendOne(goSMTPClient(a, conn))
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
			ln.Close()
		})
		if err := w.RunUntil(1 << 62); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("loopback", func(b *testing.B) {
		srv := newBenchServer()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		go srv.Serve(ln)
		defer srv.Close()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err == nil {
				err = sendOne(gosmtp.NewClient(conn))
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

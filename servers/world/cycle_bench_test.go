package world

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"mailsim/servers/env"
	"mailsim/servers/mua"
	"mailsim/servers/pop3"
	"mailsim/servers/smtp"
	"mailsim/servers/store"
	"mailsim/sim/scenario"
)

// staticMX answers every lookup with the one mail host: the benchmark's
// mail never leaves its ISP.
type staticMX struct{}

func (staticMX) LookupMX(context.Context, string) ([]*net.MX, error) {
	return []*net.MX{{Host: "mail.comentum.com.", Pref: 10}}, nil
}
func (staticMX) LookupHost(context.Context, string) ([]string, error) {
	return []string{"127.0.0.1"}, nil
}

// cycle sends one message to bob and has bob's program download (and
// delete) it: SMTP in, into the store, out by POP3.
func cycle(b *testing.B, p *mua.Program) {
	ctx := context.Background()
	if err := p.Send(ctx, []string{"bob@comentum.com"}, "cycle", "One full cycle."); err != nil {
		b.Fatal(err)
	}
	rep, err := p.CheckMail(ctx)
	if err != nil || rep.New != 1 || rep.Deleted != 1 {
		b.Fatalf("check: %+v, %v", rep, err)
	}
}

// BenchmarkFullCycle runs the same servers and mail program over real
// loopback sockets and over the simulated network, side by side. The
// ISP has one mail host running SMTP and POP3 on one store, so both
// variants do exactly the same protocol work.
func BenchmarkFullCycle(b *testing.B) {
	b.Run("loopback", func(b *testing.B) {
		e := env.NewLoopback("mail.comentum.com", 1)
		st := store.New()
		st.AddUser("bob", "secret2")
		srv, err := smtp.New(smtp.Config{
			Hostname: "mail.comentum.com", Domains: []string{"comentum.com"},
			Mailboxes: map[string]string{"bob@comentum.com": "bob"},
			LocalNets: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
			Store:     st, Resolver: staticMX{}, Env: e,
		})
		if err != nil {
			b.Fatal(err)
		}
		sl, _ := net.Listen("tcp", "127.0.0.1:0")
		pl, _ := net.Listen("tcp", "127.0.0.1:0")
		go srv.Serve(sl)
		ps := pop3.NewServer(pop3.NewStoreBackend(st))
		go ps.Serve(pl)
		defer srv.Close()
		defer ps.Close()
		p := mua.New(env.NewLoopback("bob-pc", 2), mua.Account{
			Address: "bob@comentum.com", Username: "bob", Password: "secret2",
			SMTPServer: sl.Addr().String(), POP3Server: pl.Addr().String(),
		})
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			cycle(b, p)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	})
	b.Run("sim", func(b *testing.B) {
		sc, err := scenario.Parse("cycle.yaml", []byte(`
title: full cycle benchmark
isps:
  comentum:
    domain: comentum.com
    users: {bob: secret2}
    servers: {mail.comentum.com: [smtp, pop3, dns]}
hosts:
  bob-pc: {user: bob@comentum.com}
expect:
  - {mailbox: {of: bob@comentum.com, count: 0}}
`))
		if err != nil {
			b.Fatal(err)
		}
		rt, err := Build(sc, Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer func() {
			if err := rt.Close(); err != nil {
				b.Error(err)
			}
		}()
		p := rt.Program("bob-pc")
		var virtual time.Duration
		b.ResetTimer()
		rt.Host("bob-pc").Go("benchmark", func() {
			for i := 0; i < b.N; i++ {
				cycle(b, p)
			}
			virtual = rt.World.Now()
		})
		if err := rt.RunUntil(1 << 62); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		b.ReportMetric(float64(virtual)/float64(time.Millisecond)/float64(b.N), "virtual-ms/msg")
	})
}

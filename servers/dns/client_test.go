package dns

import (
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	mdns "github.com/miekg/dns"

	"mailsim/servers/env"
)

func TestClientLookups(t *testing.T) {
	w := newWorld(t)
	c := &Client{Env: env.NewLoopback("smtp.comentum.com", 2), Server: w.resolverAddr}
	mx, err := c.LookupMX(ctx, "comentum.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(mx) != 2 || mx[0].Host != "smtp.comentum.com." || mx[0].Pref != 10 || mx[1].Pref != 20 {
		t.Errorf("MX %v %v", mx[0], mx[1])
	}
	addrs, err := c.LookupHost(ctx, "mail.comentum.com") // a CNAME
	if err != nil || len(addrs) != 1 || addrs[0] != "10.1.0.25" {
		t.Errorf("LookupHost: %v %v", addrs, err)
	}

	tests := []struct {
		name      string
		lookup    func() error
		notFound  bool
		temporary bool
		rcode     int
	}{
		{"nxdomain", func() error { _, err := c.LookupMX(ctx, "nosuch.example"); return err }, true, false, mdns.RcodeNameError},
		{"no MX", func() error { _, err := c.LookupMX(ctx, "smtp.comentum.com"); return err }, true, false, mdns.RcodeSuccess},
		{"no A", func() error { _, err := c.LookupHost(ctx, "comentum.com"); return err }, true, false, mdns.RcodeSuccess},
		{"servfail", func() error { _, err := c.LookupMX(ctx, "www.glueless.net"); return err }, false, true, mdns.RcodeServerFailure},
		{"bad name", func() error { _, err := c.LookupHost(ctx, "a..b"); return err }, true, false, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.lookup()
			var de *net.DNSError
			if !errors.As(err, &de) || de.IsNotFound != tt.notFound || de.IsTemporary != tt.temporary {
				t.Fatalf("err %#v", err)
			}
			var re *RcodeError
			if tt.rcode >= 0 && (!errors.As(err, &re) || re.Rcode != tt.rcode) {
				t.Errorf("rcode in %v", err)
			}
		})
	}
}

func TestClientTimeout(t *testing.T) {
	silent, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	c := &Client{Env: env.NewLoopback("smtp.comentum.com", 2), Server: netip.MustParseAddrPort(silent.LocalAddr().String()), Timeout: 100 * time.Millisecond}
	_, err = c.LookupMX(ctx, "comentum.com")
	var de *net.DNSError
	if !errors.As(err, &de) || !de.IsTemporary || !de.IsTimeout || de.IsNotFound {
		t.Errorf("silent server: %#v", err)
	}
}

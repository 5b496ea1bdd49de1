package world

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	mdns "github.com/miekg/dns"

	"mailsim/servers/dns"
	"mailsim/servers/pop3"
	"mailsim/servers/smtp"
	"mailsim/sim"
	"mailsim/sim/scenario"
)

// hostServices is what one server host runs, and the sockets each service
// listens on, so the timeline can stop and start them.
type hostServices struct {
	host *sim.Host
	isp  *ispRuntime // nil for the root server

	smtp   *smtp.Server
	lmtp   *smtp.LMTPServer
	pop3   *pop3.Server
	dnsH   mdns.Handler
	dnsSrv *dns.Service // serves dnsH; made when DNS first starts
	zones  *dns.Authoritative
	resolv *dns.Resolver

	open map[scenario.Service][]closer

	mu   sync.Mutex
	errs []error // how accept loops ended, other than by a close
}

type closer interface{ Close() error }

// ServicePorts are the ports each service listens on.
var ServicePorts = map[scenario.Service][]string{
	scenario.SMTP: {"tcp/25"},
	scenario.POP3: {"tcp/110"}, // plus tcp/24 (LMTP) when the ISP splits SMTP and POP3
	scenario.DNS:  {"udp/53", "tcp/53"},
}

func (rt *Runtime) startAll() error {
	sc := rt.Scenario
	// The root server.
	if sc.Root.Host != "" {
		h := rt.hosts[sc.Root.Host]
		z := dns.Zone{Origin: ".", TTL: 86400, MName: fqdn(sc.Root.Host), RName: "hostmaster." + fqdn(sc.Root.Host), Serial: 1, Minimum: 3600}
		for _, r := range sc.Root.Zone {
			z.Records = append(z.Records, dnsRecord(r))
		}
		auth, err := dns.NewAuthoritative(z)
		if err != nil {
			return fmt.Errorf("root zone: %w", err)
		}
		hs := &hostServices{host: h, dnsH: auth, zones: auth, open: map[scenario.Service][]closer{}}
		rt.services[sc.Root.Host] = hs
		if err := hs.start(scenario.DNS); err != nil {
			return err
		}
	}
	for i := range sc.ISPs {
		isp := &sc.ISPs[i]
		ir := rt.isps[isp.Name]
		if err := rt.startISP(isp, ir); err != nil {
			return err
		}
	}
	return nil
}

func (rt *Runtime) servicesOf(host string, isp *ispRuntime) *hostServices {
	hs := rt.services[host]
	if hs == nil {
		hs = &hostServices{host: rt.hosts[host], isp: isp, open: map[scenario.Service][]closer{}}
		rt.services[host] = hs
	}
	return hs
}

func (rt *Runtime) startISP(isp *scenario.ISP, ir *ispRuntime) error {
	sc := rt.Scenario
	mailboxes := map[string]string{}
	var domains []string
	for _, u := range isp.Users {
		for _, a := range u.Addresses {
			mailboxes[a] = u.Login
		}
	}
	for _, d := range isp.Domains {
		domains = append(domains, d.Name)
	}
	dnsAddr := netip.AddrPortFrom(sc.Host(isp.DNS).Addr, 53)

	// DNS: authoritative for the ISP's domains, recursive for its LAN.
	if isp.DNS != "" {
		hs := rt.servicesOf(isp.DNS, ir)
		var zones []dns.Zone
		for _, d := range isp.Domains {
			z := dns.Zone{Origin: fqdn(d.Name), MName: fqdn(isp.DNS), RName: "hostmaster." + fqdn(d.Name), Serial: 1}
			for _, r := range d.Zone {
				z.Records = append(z.Records, dnsRecord(r))
			}
			zones = append(zones, z)
		}
		// Reverse zones (PTR) for the ISP's LAN, delegated from the root.
		var hosts []dns.Host
		for _, h := range sc.Hosts {
			if h.ISP == isp.Name {
				hosts = append(hosts, dns.Host{Name: h.Name, Addr: h.Addr})
			}
		}
		for _, z := range dns.ReverseZones(isp.Domains[0].Name, hosts) {
			z.MName = fqdn(isp.DNS)
			z.Records[0].Value = fqdn(isp.DNS) // the zone's NS record
			zones = append(zones, z)
			if root := rt.services[sc.Root.Host]; root != nil && root.zones != nil {
				if err := root.zones.AddRecord(".", dns.Record{Name: z.Origin, Type: "NS", TTL: 172800, Value: fqdn(isp.DNS)}); err != nil {
					return fmt.Errorf("%s: delegating %s: %w", isp.Pos, z.Origin, err)
				}
			}
		}
		auth, err := dns.NewAuthoritative(zones...)
		if err != nil {
			return fmt.Errorf("%s: zones of %s: %w", isp.Pos, isp.Name, err)
		}
		res := &dns.Resolver{Env: hs.host, Roots: []netip.AddrPort{netip.AddrPortFrom(sc.Root.Addr, 53)}, Local: auth}
		prefix := isp.Prefix
		hs.zones, hs.resolv = auth, res
		srv := &dns.Server{Zones: auth, Resolver: res, AllowRecursion: func(a netip.Addr) bool { return prefix.Contains(a) }}
		hs.dnsH = concurrent{srv, hs.host}
		if err := hs.start(scenario.DNS); err != nil {
			return err
		}
	}
	// POP3, and LMTP when SMTP is elsewhere.
	if isp.POP3 != "" {
		hs := rt.servicesOf(isp.POP3, ir)
		srv := pop3.NewServer(pop3.NewStoreBackend(ir.store))
		srv.Domain = isp.POP3
		srv.Env = hs.host
		hs.pop3 = srv
		if isp.LMTP {
			l, err := smtp.NewLMTP(smtp.LMTPConfig{Hostname: isp.POP3, Mailboxes: mailboxes, Store: ir.store, Env: hs.host})
			if err != nil {
				return fmt.Errorf("%s: LMTP on %s: %w", isp.Pos, isp.POP3, err)
			}
			hs.lmtp = l
		}
		if err := hs.start(scenario.POP3); err != nil {
			return err
		}
	}
	if isp.SMTP != "" {
		hs := rt.servicesOf(isp.SMTP, ir)
		cfg := smtp.Config{
			Hostname: isp.SMTP, Domains: domains, Mailboxes: mailboxes,
			LocalNets: []netip.Prefix{isp.Prefix}, Store: ir.store,
			Resolver: &dns.Client{Env: hs.host, Server: dnsAddr},
			Env:      hs.host,
		}
		if isp.LMTP {
			cfg.LMTPAddr = isp.POP3 + ":24"
		}
		srv, err := smtp.New(cfg)
		if err != nil {
			return fmt.Errorf("%s: SMTP on %s: %w", isp.Pos, isp.SMTP, err)
		}
		hs.smtp = srv
		if err := hs.start(scenario.SMTP); err != nil {
			return err
		}
	}
	return nil
}

// start makes a service listen again (or for the first time).
func (hs *hostServices) start(svc scenario.Service) error {
	if len(hs.open[svc]) > 0 {
		return nil // already running
	}
	h := hs.host
	listen := func(port string, serve func(net.Listener) error) error {
		l, err := h.Listen("tcp", ":"+port)
		if err != nil {
			return fmt.Errorf("%s: %w", h.Name(), err)
		}
		hs.open[svc] = append(hs.open[svc], l)
		name := string(svc) + " server on :" + port
		h.Go(name, func() { hs.ended(name, serve(l)) })
		return nil
	}
	switch svc {
	case scenario.SMTP:
		if hs.smtp == nil {
			return fmt.Errorf("%s runs no SMTP server", h.Name())
		}
		return listen("25", hs.smtp.Serve)
	case scenario.POP3:
		if hs.pop3 == nil {
			return fmt.Errorf("%s runs no POP3 server", h.Name())
		}
		if err := listen("110", hs.pop3.Serve); err != nil {
			return err
		}
		if hs.lmtp != nil {
			return listen("24", hs.lmtp.Serve)
		}
	case scenario.DNS:
		if hs.dnsH == nil {
			return fmt.Errorf("%s runs no DNS server", h.Name())
		}
		pc, err := h.ListenPacket("udp", ":53")
		if err != nil {
			return fmt.Errorf("%s: %w", h.Name(), err)
		}
		hs.open[svc] = append(hs.open[svc], pc)
		if hs.dnsSrv == nil {
			hs.dnsSrv = &dns.Service{Handler: hs.dnsH}
		}
		srv := hs.dnsSrv
		h.Go("dns server on udp/53", func() { hs.ended("dns server on udp/53", srv.ServeUDP(pc)) })
		return listen("53", srv.ServeTCP)
	}
	return nil
}

// stop closes the service's sockets: new connections are refused, as
// when a real server process is stopped. Mail already stored stays.
func (hs *hostServices) stop(svc scenario.Service) {
	for _, c := range hs.open[svc] {
		c.Close()
	}
	delete(hs.open, svc)
}

// ended reports how a server's accept loop ended, as a note in the
// trace and an error for Runtime.Close, unless its socket was simply
// closed (the service stopped, or the world ended).
func (hs *hostServices) ended(name string, err error) {
	if err == nil || errors.Is(err, net.ErrClosed) {
		return
	}
	hs.host.Logf("%s stopped: %v", name, err)
	hs.mu.Lock()
	hs.errs = append(hs.errs, fmt.Errorf("%s: %s: %w", hs.host.Name(), name, err))
	hs.mu.Unlock()
}

// close closes the host's servers, each waiting for its goroutines. The
// world is closed already, so its sockets are.
func (hs *hostServices) close() error {
	var errs []error
	if hs.smtp != nil {
		errs = append(errs, hs.smtp.Close())
	}
	if hs.lmtp != nil {
		errs = append(errs, hs.lmtp.Close())
	}
	if hs.pop3 != nil {
		errs = append(errs, hs.pop3.Close())
	}
	if hs.dnsSrv != nil {
		errs = append(errs, hs.dnsSrv.Close())
	}
	return errors.Join(errs...)
}

// serveErrs are the errors accept loops ended with, host by host.
func (rt *Runtime) serveErrs() []error {
	var errs []error
	for _, name := range sortedKeys(rt.services) {
		hs := rt.services[name]
		hs.mu.Lock()
		errs = append(errs, hs.errs...)
		hs.mu.Unlock()
	}
	return errs
}

// concurrent answers each query in a goroutine of its own, as a real
// recursive server does: while it walks the tree for one client, it still
// answers the others (two ISPs resolving each other at once would
// otherwise wait on each other until both time out).
type concurrent struct {
	h    mdns.Handler
	host *sim.Host
}

func (c concurrent) ServeDNS(w mdns.ResponseWriter, req *mdns.Msg) {
	c.host.Go("dns query from "+w.RemoteAddr().String(), func() { c.h.ServeDNS(w, req) })
}

func fqdn(name string) string { return mdns.Fqdn(strings.ToLower(name)) }

// dnsRecord converts a scenario record to the DNS server's form.
func dnsRecord(r scenario.Record) dns.Record {
	return dns.Record{Name: fqdn(r.Name), Type: r.Type, TTL: uint32(r.TTL / time.Second), Value: dnsValue(r), Pref: r.Pref}
}

func dnsValue(r scenario.Record) string {
	if r.Value == "" {
		return "" // a removal pattern: every value matches
	}
	switch r.Type {
	case "NS", "MX", "CNAME", "PTR":
		return fqdn(r.Value)
	}
	return r.Value
}

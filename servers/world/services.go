package world

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	mdns "github.com/miekg/dns"

	"mailsim/servers/dns"
	"mailsim/servers/imap"
	"mailsim/servers/mua"
	"mailsim/servers/pop3"
	"mailsim/servers/service"
	"mailsim/servers/smtp"
	"mailsim/servers/webmail"
	"mailsim/sim"
	"mailsim/sim/scenario"
)

// hostServices is what one server host runs, and the sockets each service
// listens on, so the timeline can stop and start them.
type hostServices struct {
	host *sim.Host
	isp  *ispRuntime // nil for the root server

	smtp   *smtp.Server // for the inspector's queue
	zones  *dns.Authoritative
	resolv *dns.Resolver

	serve map[scenario.Service]serving // how each service it runs serves its ports
	open  map[scenario.Service][]closer
	down  bool // shut down for good (Runtime.Shutdown): nothing starts again

	mu   sync.Mutex
	errs []error // how accept loops ended, other than by a close
}

// serving is how one service serves the ports the service table gives
// it, and how its server is closed (waiting for its goroutines).
type serving struct {
	tcp   func(net.Listener) error
	udp   func(net.PacketConn) error
	close func() error // nil when another service's close covers it
	// stop tells open sessions the server is shutting down and ends
	// them (Runtime.Shutdown); nil when there is nothing to say.
	stop func() int
}

type closer interface{ Close() error }

func (rt *Runtime) startAll() error {
	sc := rt.Scenario
	// The root server.
	if sc.Root.Host != "" {
		z := dns.Zone{Origin: ".", TTL: 86400, MName: fqdn(sc.Root.Host), RName: "hostmaster." + fqdn(sc.Root.Host), Serial: 1, Minimum: 3600}
		for _, r := range sc.Root.Zone {
			z.Records = append(z.Records, dnsRecord(r))
		}
		auth, err := dns.NewAuthoritative(z)
		if err != nil {
			return fmt.Errorf("root zone: %w", err)
		}
		hs := rt.servicesOf(sc.Root.Host, nil)
		hs.zones = auth
		hs.serve[scenario.DNS] = dnsServing(auth, hs.host.Deadline)
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
		hs = &hostServices{host: rt.hosts[host], isp: isp, serve: map[scenario.Service]serving{}, open: map[scenario.Service][]closer{}}
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
	dnsHost := isp.Server(scenario.DNS)
	dnsAddr := netip.AddrPortFrom(sc.Host(dnsHost).Addr, service.Of(scenario.DNS).Port())

	// DNS: authoritative for the ISP's domains, recursive for its LAN.
	if dnsHost != "" {
		hs := rt.servicesOf(dnsHost, ir)
		var zones []dns.Zone
		for _, d := range isp.Domains {
			z := dns.Zone{Origin: fqdn(d.Name), MName: fqdn(dnsHost), RName: "hostmaster." + fqdn(d.Name), Serial: 1}
			for _, r := range d.Zone {
				z.Records = append(z.Records, dnsRecord(r))
			}
			zones = append(zones, z)
		}
		// Reverse zones (PTR) for the ISP's LAN, delegated from the root.
		var hosts []dns.Host
		for _, h := range sc.HostsOf(isp.Name) {
			hosts = append(hosts, dns.Host{Name: h.Name, Addr: h.Addr})
		}
		for _, z := range dns.ReverseZones(isp.Domains[0].Name, hosts) {
			z.MName = fqdn(dnsHost)
			z.Records[0].Value = fqdn(dnsHost) // the zone's NS record
			zones = append(zones, z)
			if root := rt.services[sc.Root.Host]; root != nil && root.zones != nil {
				if err := root.zones.AddRecord(".", dns.Record{Name: z.Origin, Type: "NS", TTL: 172800, Value: fqdn(dnsHost)}); err != nil {
					return fmt.Errorf("%s: delegating %s: %w", isp.Pos, z.Origin, err)
				}
			}
		}
		auth, err := dns.NewAuthoritative(zones...)
		if err != nil {
			return fmt.Errorf("%s: zones of %s: %w", isp.Pos, isp.Name, err)
		}
		res := &dns.Resolver{Env: hs.host, Roots: []netip.AddrPort{netip.AddrPortFrom(sc.Root.Addr, service.Of(scenario.DNS).Port())}, Local: auth}
		prefix := isp.Prefix
		hs.zones, hs.resolv = auth, res
		srv := &dns.Server{Zones: auth, Resolver: res, AllowRecursion: func(a netip.Addr) bool { return prefix.Contains(a) }}
		hs.serve[scenario.DNS] = dnsServing(concurrent{srv, hs.host}, hs.host.Deadline)
		if err := hs.start(scenario.DNS); err != nil {
			return err
		}
	}
	// POP3 with IMAP, and LMTP when SMTP is elsewhere.
	if host := isp.Server(scenario.POP3); host != "" {
		hs := rt.servicesOf(host, ir)
		srv := pop3.NewServer(pop3.NewStoreBackend(ir.store))
		srv.Domain = host
		srv.Env = hs.host
		hs.serve[scenario.POP3] = serving{tcp: srv.Serve, close: srv.Close, stop: srv.Stop}
		// IMAP runs with POP3, on the host that holds the mailboxes.
		is := imap.NewServer(ir.store)
		is.Env = hs.host
		hs.serve[scenario.IMAP] = serving{tcp: is.Serve, close: is.Close, stop: is.Stop}
		if isp.Server(scenario.LMTP) == host {
			l, err := smtp.NewLMTP(smtp.LMTPConfig{Hostname: host, Mailboxes: mailboxes, Store: ir.store, Env: hs.host,
				Track: rt.journeys.reporter(host)})
			if err != nil {
				return fmt.Errorf("%s: LMTP on %s: %w", isp.Pos, host, err)
			}
			hs.serve[scenario.LMTP] = serving{tcp: l.Serve, close: l.Close, stop: l.Stop}
		}
		if err := hs.start(scenario.POP3); err != nil {
			return err
		}
	}
	if host := isp.Server(scenario.HTTP); host != "" {
		if err := rt.startWebmail(isp, ir, host); err != nil {
			return err
		}
	}
	for _, ms := range isp.SMTPServers {
		host := ms.Host
		hs := rt.servicesOf(host, ir)
		cfg := smtp.Config{
			Hostname: host, Domains: domains, Mailboxes: mailboxes, RelayFor: ms.RelayFor,
			LocalNets: []netip.Prefix{isp.Prefix}, Store: ir.store,
			Resolver: &dns.Client{Env: hs.host, Server: dnsAddr},
			Env:      hs.host,
			Track:    rt.journeys.reporter(host),
		}
		smtpQueueLimits(&cfg, ms)
		if lmtp := isp.Server(scenario.LMTP); lmtp != "" {
			cfg.LMTPAddr = net.JoinHostPort(lmtp, portOf(scenario.LMTP))
		}
		srv, err := smtp.New(cfg)
		if err != nil {
			return fmt.Errorf("%s: SMTP on %s: %w", isp.Pos, host, err)
		}
		hs.smtp = srv
		hs.serve[scenario.SMTP] = serving{tcp: srv.Serve, close: srv.Close, stop: srv.Stop} // submission's sessions too
		// Every SMTP host runs submission too (the service table's PartOf).
		hs.serve[scenario.Submission] = serving{tcp: srv.ServeSubmission} // closed with smtp
		if err := hs.start(scenario.SMTP); err != nil {
			return err
		}
	}
	return nil
}

// startWebmail runs the ISP's Web Mail on host: pages on port 80, the
// mailbox over IMAP from the pop3 host, sending over submission.
func (rt *Runtime) startWebmail(isp *scenario.ISP, ir *ispRuntime, host string) error {
	hs := rt.servicesOf(host, ir)
	addrs := map[string]string{}
	for _, u := range isp.Users {
		addrs[u.Login] = u.Addresses[0]
		for _, a := range u.Addresses {
			if strings.HasSuffix(a, "@"+isp.Domains[0].Name) {
				addrs[u.Login] = a
			}
		}
	}
	cfg := webmail.Config{Env: hs.host, ISP: mua.DisplayName(isp.Name), Address: addrs, Track: rt.journeys.reporter(host)}
	if h := isp.Server(scenario.IMAP); h != "" {
		cfg.IMAP = net.JoinHostPort(h, portOf(scenario.IMAP))
	}
	if h := isp.Server(scenario.Submission); h != "" {
		cfg.SMTP = net.JoinHostPort(h, portOf(scenario.Submission))
	}
	app := webmail.New(cfg)
	hs.serve[scenario.HTTP] = serving{tcp: func(l net.Listener) error { return webmail.Serve(l, app, hs.host) }}
	return hs.start(scenario.HTTP)
}

// dnsServing serves h over UDP and TCP, with BIND's limits on TCP
// connections (idle time on the host's clock, and how many at once).
func dnsServing(h mdns.Handler, deadline func(time.Duration) time.Time) serving {
	srv := &dns.Service{Handler: h, Limits: dns.DefaultTCPLimits(deadline)}
	return serving{udp: srv.ServeUDP, tcp: srv.ServeTCP, close: srv.Close}
}

// portOf is a service's well-known port, as net.JoinHostPort wants it.
func portOf(k scenario.Service) string { return strconv.Itoa(int(service.Of(k).Port())) }

// start makes a service, and the services that run as part of it,
// listen again (or for the first time) on the ports of the service table.
func (hs *hostServices) start(svc scenario.Service) error {
	if hs.down {
		return fmt.Errorf("%s is shut down", hs.host.Name())
	}
	if err := hs.listen(svc); err != nil {
		return err
	}
	for _, part := range service.Parts(svc) {
		if _, runs := hs.serve[part]; runs {
			if err := hs.listen(part); err != nil {
				return err
			}
		}
	}
	return nil
}

func (hs *hostServices) listen(svc scenario.Service) error {
	if len(hs.open[svc]) > 0 {
		return nil // already running
	}
	h := hs.host
	srv, ok := hs.serve[svc]
	spec := service.Of(svc)
	if !ok {
		return fmt.Errorf("%s runs no %s server", h.Name(), spec.Name)
	}
	for _, p := range spec.Ports {
		name := fmt.Sprintf("%s server on %s", svc, p)
		switch {
		case p.Transport == "udp" && srv.udp != nil:
			pc, err := h.ListenPacket("udp", fmt.Sprintf(":%d", p.Num))
			if err != nil {
				return fmt.Errorf("%s: %w", h.Name(), err)
			}
			hs.open[svc] = append(hs.open[svc], pc)
			h.Go(name, func() { hs.ended(name, srv.udp(pc)) })
		case p.Transport == "tcp" && srv.tcp != nil:
			l, err := h.Listen("tcp", fmt.Sprintf(":%d", p.Num))
			if err != nil {
				return fmt.Errorf("%s: %w", h.Name(), err)
			}
			hs.open[svc] = append(hs.open[svc], l)
			h.Go(name, func() { hs.ended(name, srv.tcp(l)) })
		}
	}
	return nil
}

// stop closes the sockets of the service and of those that run as part
// of it: new connections are refused, as when a real server process is
// stopped. Mail already stored stays.
func (hs *hostServices) stop(svc scenario.Service) {
	for _, k := range append([]scenario.Service{svc}, service.Parts(svc)...) {
		for _, c := range hs.open[k] {
			c.Close()
		}
		delete(hs.open, k)
	}
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
	for _, spec := range service.All() {
		if srv, ok := hs.serve[spec.Kind]; ok && srv.close != nil {
			errs = append(errs, srv.close())
		}
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

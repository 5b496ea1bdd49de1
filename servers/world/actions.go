package world

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"mailsim/servers/dns"
	"mailsim/servers/mua"
	"mailsim/servers/service"
	"mailsim/sim/scenario"
)

func (rt *Runtime) addProgram(pc *scenario.PC) {
	if pc.User == "" {
		return
	}
	acct := mua.Account{
		Name:          mua.DisplayName(pc.User),
		Address:       pc.User,
		Username:      pc.Login,
		Password:      pc.Password,
		SMTPServer:    net.JoinHostPort(pc.SMTP, portOf(scenario.SMTP)),
		UseAuth:       pc.Auth != scenario.AuthNone && pc.Auth != "",
		LeaveOnServer: pc.LeaveOnServer,
	}
	if pc.Submission {
		acct.SMTPServer = net.JoinHostPort(pc.SMTP, portOf(scenario.Submission))
	}
	if pc.POP3 != "" {
		acct.POP3Server = net.JoinHostPort(pc.POP3, portOf(scenario.POP3))
		if pc.Incoming == scenario.IMAP {
			acct.IMAPServer = net.JoinHostPort(pc.POP3, portOf(scenario.IMAP))
		}
	}
	acct.Hosts = rt.hostCache(pc.Host)
	p := mua.New(rt.hosts[pc.Host], acct)
	p.HeadersOnly = rt.lean && !rt.ev.readsBodies()
	p.NoInbox = rt.lean && !rt.ev.readsInbox(pc.Host)
	p.Track(rt.journeys.reporter(pc.Host))
	rt.programs[pc.Host] = p
}

// schedule plays one timeline action at its time, as a goroutine of the
// host it happens on.
func (rt *Runtime) schedule(a *scenario.Action) {
	w := rt.World
	name := fmt.Sprintf("%s %s (%s)", a.Kind, a.Host, a.Pos)
	switch a.Kind {
	case scenario.ActSend:
		w.At(a.At, name, func() { rt.send(a) })
	case scenario.ActCheck:
		w.At(a.At, name, func() {
			p := rt.programs[a.Host]
			if p == nil {
				w.Note(fmt.Sprintf("%s: %s has no mail program", a.Pos, a.Host))
				return
			}
			rt.journeys.checking(a.Host, p.Account())
			if _, err := p.CheckMail(context.Background()); err != nil {
				rt.hosts[a.Host].Logf("Send/Recv failed: %v", err)
			}
		})
	case scenario.ActLinkDown, scenario.ActLinkUp:
		w.At(a.At, name, func() {
			l := w.Link(a.A, a.B)
			if l == nil {
				w.Note(fmt.Sprintf("%s: no link %s—%s", a.Pos, a.A, a.B))
				return
			}
			w.SetLinkUp(l, a.Kind == scenario.ActLinkUp)
			rt.journeys.action("", "", "", fmt.Sprintf("The link %s—%s goes %s", a.A, a.B, map[bool]string{true: "up", false: "down"}[a.Kind == scenario.ActLinkUp]))
		})
	case scenario.ActStop, scenario.ActStart:
		w.At(a.At, name, func() {
			hs := rt.services[a.Host]
			if hs == nil {
				w.Note(fmt.Sprintf("%s: %s runs no services", a.Pos, a.Host))
				return
			}
			for _, svc := range a.Services {
				if a.Kind == scenario.ActStop {
					hs.stop(svc)
					hs.host.Logf("%s service stopped", svc)
					rt.journeys.action(a.Host, "", "", fmt.Sprintf("The %s service on %s stops: connections are refused", strings.ToUpper(string(svc)), a.Host))
				} else if err := hs.start(svc); err != nil {
					hs.host.Logf("%s service failed to start: %v", svc, err)
				} else {
					hs.host.Logf("%s service started", svc)
					rt.journeys.action(a.Host, "", "", fmt.Sprintf("The %s service on %s starts again", strings.ToUpper(string(svc)), a.Host))
				}
			}
		})
	case scenario.ActDNSAdd, scenario.ActDNSRemove:
		w.At(a.At, name, func() { rt.changeDNS(a) })
	case scenario.ActWebmail:
		w.At(a.At, name, func() { rt.webVisit(a) })
	case scenario.ActSlow:
		rt.scheduleSlow(a, name)
	}
}

func (rt *Runtime) send(a *scenario.Action) {
	m := a.Mail
	p := rt.programs[a.Host]
	h := rt.hosts[a.Host]
	if p == nil {
		rt.World.Note(fmt.Sprintf("%s: %s has no mail program", a.Pos, a.Host))
		return
	}
	acct := p.Account()
	if m.From != "" {
		acct.Address = m.From
		acct.Name = mua.DisplayName(m.From)
	}
	acct.HangUpInData = m.Disconnect == scenario.DisconnectMidData
	if m.Via != "" { // another server, on the port the program uses (25 or 587)
		_, port, _ := net.SplitHostPort(acct.SMTPServer)
		acct.SMTPServer = net.JoinHostPort(m.Via, port)
	}
	// A one-off program for this message: same PC, perhaps another From
	// or server; what the user's program downloads stays in p.
	sender := mua.New(h, acct)
	sender.Track(rt.journeys.reporter(a.Host))
	if err := sender.Send(context.Background(), m.To, m.Subject, m.Body); err != nil {
		h.Logf("sending %q failed: %v", m.Subject, err)
		rt.ev.sendFailed(a, err)
	}
}

func (rt *Runtime) changeDNS(a *scenario.Action) {
	hs := rt.services[a.Host]
	if hs == nil || hs.zones == nil {
		rt.World.Note(fmt.Sprintf("%s: %s serves no DNS zones", a.Pos, a.Host))
		return
	}
	rec := dnsRecord(*a.Record)
	if a.Kind == scenario.ActDNSAdd {
		if err := hs.zones.AddRecord(fqdn(a.Zone), rec); err != nil {
			hs.host.Logf("DNS: adding %s failed: %v", rec, err)
			return
		}
		hs.host.Logf("DNS: added %s", rec)
		rt.journeys.action(a.Host, "", "dns", fmt.Sprintf("%s adds the DNS record %s", a.Host, rec))
		return
	}
	n, err := hs.zones.RemoveRecord(fqdn(a.Zone), rec)
	if err != nil {
		hs.host.Logf("DNS: removing %s failed: %v", recordPattern(rec), err)
		return
	}
	hs.host.Logf("DNS: removed %d record(s) matching %s", n, recordPattern(rec))
	rt.journeys.action(a.Host, "", "dns", fmt.Sprintf("%s removes %d DNS record(s) matching %s", a.Host, n, recordPattern(rec)))
}

func recordPattern(r dns.Record) string {
	if r.Value == "" {
		return r.Name + " " + r.Type
	}
	return r.String()
}

// hostCache is the stub resolver of a PC, shared by its mail program and
// its browser; nil when the PC has no DNS server to ask.
func (rt *Runtime) hostCache(host string) *mua.HostCache {
	if hc, ok := rt.caches[host]; ok {
		return hc
	}
	var hc *mua.HostCache
	if pc := rt.Scenario.PC(host); pc != nil {
		if h := rt.Scenario.Host(pc.DNS); h != nil {
			hc = mua.NewHostCache(rt.hosts[host], &dns.Client{Env: rt.hosts[host],
				Server: netip.AddrPortFrom(h.Addr, service.Of(scenario.DNS).Port())})
		}
	}
	rt.caches[host] = hc
	return hc
}

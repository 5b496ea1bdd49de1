package scenario

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"mailsim/servers/service"
)

// Pos is a place in a scenario file.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// String formats the position as "file:line:col".
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Kind says what a host is.
type Kind string

// Host kinds.
const (
	KindPC     Kind = "pc"     // a home PC, possibly running a user's mail program
	KindServer Kind = "server" // an ISP server host running services
	KindRouter Kind = "router" // an ISP router or an Internet backbone router
	KindRoot   Kind = "root"   // the root DNS server on the Internet side
)

// Service is a network service a server host runs, a kind of the
// service table (servers/service).
type Service = service.Kind

// Services a scenario names.
const (
	SMTP       = service.SMTP       // mail transfer on TCP 25, with submission on 587
	Submission = service.Submission // runs with smtp: mail from users' programs, AUTH required
	LMTP       = service.LMTP       // runs with pop3 when SMTP is on another host, TCP 24
	POP3       = service.POP3       // mailbox access on TCP 110
	DNS        = service.DNS        // authoritative for the ISP's domains and recursive resolver, UDP/TCP 53
	IMAP       = service.IMAP       // runs with pop3: the mailbox kept on the server, TCP 143
	HTTP       = service.HTTP       // Web Mail, on a host an ISP lists for it, TCP 80
)

// Services lists the services a scenario may list for a server host,
// in canonical order.
var Services = service.Listed()

// Scenario is a fully resolved scenario: every default has been filled in.
type Scenario struct {
	Source      string        `json:"source"`      // file name it was read from
	Title       string        `json:"title"`       // one-line title
	Description string        `json:"description"` // free text for the instructor
	Seed        int64         `json:"seed"`        // seed for the run's *rand.Rand
	Until       time.Duration `json:"until"`       // virtual time at which the run ends
	Epoch       time.Time     `json:"epoch"`       // wall-clock time that virtual time 0 stands for
	Hosts       []Host        `json:"hosts"`       // every node: routers, servers, PCs and the root DNS server
	Links       []Link        `json:"links"`       // point-to-point links between hosts
	ISPs        []ISP         `json:"isps"`        // in file order
	PCs         []PC          `json:"pcs"`         // mail program settings, one per PC host, in file order
	Root        Root          `json:"root"`        // the root DNS server and its zone
	Timeline    []Action      `json:"timeline"`    // sorted by At, file order among equal times
	Expect      []Expectation `json:"expect"`      // in file order
	// Warnings are expectations that can never hold (warn.go); the
	// scenario is valid and runs.
	Warnings ErrorList `json:"warnings,omitempty"`

	idx *index // lookups by name; see index.go
}

// Host is a node of the network; every host has exactly one address.
type Host struct {
	Name     string     `json:"name"`
	Kind     Kind       `json:"kind"`
	Addr     netip.Addr `json:"addr"`
	ISP      string     `json:"isp,omitempty"`      // the ISP whose LAN it sits in; "" on the Internet side
	Services []Service  `json:"services,omitempty"` // servers only, canonical order, with the services that run as part of them
	Pos      Pos        `json:"pos"`
}

// Link is a bidirectional point-to-point link.
type Link struct {
	A         string        `json:"a"`
	B         string        `json:"b"`
	Latency   time.Duration `json:"latency"`          // one-way propagation delay
	Bandwidth int64         `json:"bandwidth"`        // bits per second, each direction
	Loss      float64       `json:"loss,omitempty"`   // percent of packets lost, each direction
	Jitter    time.Duration `json:"jitter,omitempty"` // up to this much extra delay per packet
	Pos       Pos           `json:"pos"`              // where it was declared, or the ISP/host that implied it
}

// Record is one DNS resource record. Names are fully qualified, without
// the trailing dot.
type Record struct {
	Name  string        `json:"name"`
	Type  string        `json:"type"`           // A, NS, MX, CNAME, TXT or PTR
	Value string        `json:"value"`          // address, target host name or text
	Pref  uint16        `json:"pref,omitempty"` // MX preference
	TTL   time.Duration `json:"ttl"`
}

// String formats the record in zone-file style.
func (r Record) String() string {
	v := r.Value
	if r.Type == "MX" {
		v = fmt.Sprintf("%d %s", r.Pref, r.Value)
	}
	return fmt.Sprintf("%s %d IN %s %s", r.Name, int64(r.TTL/time.Second), r.Type, v)
}

// Domain is a mail domain served by an ISP, with its zone.
type Domain struct {
	Name string `json:"name"`
	MX   bool   `json:"mx"` // false when the file says mx: none
	// MXHosts are the domain's mail exchangers (default: the ISP's
	// SMTP host, preference 10).
	MXHosts []MX     `json:"mx_hosts,omitempty"`
	Zone    []Record `json:"zone"` // records the ISP's DNS server is authoritative for
}

// User is a mailbox on an ISP's POP3 server.
type User struct {
	Login     string   `json:"login"`           // POP3 user name; also the key in the store
	Password  string   `json:"password"`        // POP3 (and SMTP AUTH) password
	Addresses []string `json:"addresses"`       // every address delivered to this mailbox, sorted
	Quota     int64    `json:"quota,omitempty"` // bytes the mailbox may hold; 0: no limit
}

// ISP is an Internet service provider: a LAN behind one router, its
// servers, domains and users.
type ISP struct {
	Name   string       `json:"name"`
	Prefix netip.Prefix `json:"prefix"` // the LAN every host of the ISP is numbered from
	Router string       `json:"router"` // "<name>-router"
	// Servers names the host running each service (smtp, submission,
	// pop3, dns, and lmtp when SMTP and POP3 are on different hosts, so
	// SMTP hands local mail to POP3 over LMTP).
	Servers map[Service]string `json:"servers"`
	Domains []Domain           `json:"domains"` // the first is the primary domain
	Users   []User             `json:"users"`   // sorted by login
	// SMTPServers are the hosts running smtp, in file order; the first
	// is Servers[smtp], the one the ISP's PCs send through.
	SMTPServers []SMTPServer `json:"smtp_servers"`
	Pos         Pos          `json:"pos"`
}

// Auth is how a mail program authenticates to its SMTP server.
type Auth string

// SMTP AUTH settings of a mail program.
const (
	AuthNone  Auth = "none"  // no SMTP AUTH; the ISP trusts its own LAN
	AuthPlain Auth = "plain" // SMTP AUTH PLAIN (RFC 4616)
	AuthLogin Auth = "login" // SMTP AUTH LOGIN
)

// PC holds the mail program settings of one PC host.
type PC struct {
	Host          string `json:"host"`
	ISP           string `json:"isp"`            // ISP of the Internet connection
	User          string `json:"user,omitempty"` // the user's address; "" if the PC has no mail account
	MailISP       string `json:"mail_isp,omitempty"`
	Login         string `json:"login,omitempty"`
	Password      string `json:"password,omitempty"`
	SMTP          string `json:"smtp"`           // outgoing server host (default: the connection ISP's)
	POP3          string `json:"pop3,omitempty"` // incoming server host (default: the mail ISP's)
	DNS           string `json:"dns"`            // resolver host (the connection ISP's)
	LeaveOnServer bool   `json:"leave_on_server"`
	// Submission sends on the submission port (587) with AUTH, as mail
	// programs do today, instead of on port 25.
	Submission bool `json:"submission,omitempty"`
	// Incoming is how the mail program reads mail: pop3 (download) or
	// imap (the mailbox stays on the server). The server is POP3's host,
	// which runs IMAP too.
	Incoming Service `json:"incoming,omitempty"`
	// Browser: the PC has a web browser for Web Mail (every PC without
	// a mail program has one).
	Browser bool `json:"browser,omitempty"`
	Auth    Auth `json:"auth"`
	Pos     Pos  `json:"pos"`
}

// Root is the root DNS server: it delegates every ISP domain straight to
// the ISP's DNS server (there are no TLD servers in the simulation).
type Root struct {
	Host string     `json:"host"`
	Addr netip.Addr `json:"addr"`
	Zone []Record   `json:"zone"` // NS delegations and glue A records, sorted
}

// Host returns the host with the given name, or nil.
func (s *Scenario) Host(name string) *Host {
	if x := s.fresh(); x != nil {
		if i, ok := x.hosts[name]; ok {
			return &s.Hosts[i]
		}
		return nil
	}
	for i := range s.Hosts {
		if s.Hosts[i].Name == name {
			return &s.Hosts[i]
		}
	}
	return nil
}

// Server is the host running service k in the ISP, "" if none.
func (i *ISP) Server(k Service) string { return i.Servers[k] }

// ISP returns the ISP with the given name, or nil.
func (s *Scenario) ISP(name string) *ISP {
	if x := s.fresh(); x != nil {
		if i, ok := x.isps[name]; ok {
			return &s.ISPs[i]
		}
		return nil
	}
	for i := range s.ISPs {
		if s.ISPs[i].Name == name {
			return &s.ISPs[i]
		}
	}
	return nil
}

// PC returns the mail program settings of the named PC host, or nil.
func (s *Scenario) PC(host string) *PC {
	if x := s.fresh(); x != nil {
		if i, ok := x.pcs[host]; ok {
			return &s.PCs[i]
		}
		return nil
	}
	for i := range s.PCs {
		if s.PCs[i].Host == host {
			return &s.PCs[i]
		}
	}
	return nil
}

// Mailbox finds the ISP and login that mail to addr is delivered to.
func (s *Scenario) Mailbox(addr string) (isp, login string, ok bool) {
	addr = normAddr(addr)
	if x := s.fresh(); x != nil {
		m, ok := x.mailbox[addr]
		return m[0], m[1], ok
	}
	for _, i := range s.ISPs {
		for _, u := range i.Users {
			for _, a := range u.Addresses {
				if a == addr {
					return i.Name, u.Login, true
				}
			}
		}
	}
	return "", "", false
}

// normAddr lower-cases the domain part of a mail address; an address
// already in that form comes back as it is, without a copy.
func normAddr(a string) string {
	at := strings.LastIndexByte(a, '@')
	if at < 0 {
		return a
	}
	for i := at + 1; i < len(a); i++ {
		if c := a[i]; c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			return a[:at+1] + strings.ToLower(a[at+1:])
		}
	}
	return a
}

// MarshalText writes the position as "file:line:col", keeping JSON dumps short.
func (p Pos) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

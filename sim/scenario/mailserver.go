package scenario

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// This file holds what an SMTP host is configured with beyond its
// services: the domains it is a backup MX for, its queue's timing and
// its limits; and the MX lists of domains and mailbox quotas.

// Queue defaults, as Postfix ships them (postconf(5)): the first retry
// after minimal_backoff_time, doubling up to maximal_backoff_time, a
// delay warning after delay_warning_time (Postfix's example value; it
// ships with warnings off) and a bounce after maximal_queue_lifetime.
const (
	DefaultQueueRetry     = 5 * time.Minute
	DefaultQueueMaxRetry  = 4000 * time.Second
	DefaultQueueLifetime  = 5 * 24 * time.Hour
	DefaultQueueWarnAfter = 4 * time.Hour
)

// Limit defaults, as Postfix's message_size_limit and
// smtpd_recipient_limit.
const (
	DefaultMaxSize       = 10240000
	DefaultMaxRecipients = 1000
)

// SMTPServer is one host running smtp in an ISP, with its settings.
type SMTPServer struct {
	Host string `json:"host"`
	// RelayFor are other ISPs' domains this host is a backup MX for: it
	// takes their mail from anyone, queues it and forwards it to the
	// domain's best MX. Named explicitly (relay_for:) or implied by an
	// MX record naming this host.
	RelayFor []string `json:"relay_for,omitempty"`
	Queue    Queue    `json:"queue"`
	Limits   Limits   `json:"limits"`
}

// Queue is how long an SMTP host keeps trying a message.
type Queue struct {
	Retry     time.Duration `json:"retry"`      // first retry delay; each later one doubles
	MaxRetry  time.Duration `json:"max_retry"`  // the longest delay between tries
	Lifetime  time.Duration `json:"lifetime"`   // then the message bounces
	WarnAfter time.Duration `json:"warn_after"` // then the sender is told it is delayed; 0: never
}

// Limits bound one SMTP transaction.
type Limits struct {
	MaxSize       int64 `json:"max_size"`       // bytes; advertised as SIZE in EHLO
	MaxRecipients int   `json:"max_recipients"` // RCPTs per transaction; more get 452 4.5.3
}

// MX is one mail exchanger of a domain.
type MX struct {
	Host string `json:"host"`
	Pref uint16 `json:"pref"`
}

// SMTPServer returns the settings of the named SMTP host, or nil.
func (i *ISP) SMTPServer(host string) *SMTPServer {
	for j := range i.SMTPServers {
		if i.SMTPServers[j].Host == host {
			return &i.SMTPServers[j]
		}
	}
	return nil
}

type rawMX struct {
	host string
	pref uint16
	n    *yaml.Node
}

// rawMailServer are the smtp settings of a servers: entry.
type rawMailServer struct {
	relayFor  []string
	relayNode *yaml.Node
	queue     Queue
	limits    Limits
	n         *yaml.Node // the entry, for "only smtp hosts have these"
}

var serverKeys = []string{"services", "addr", "relay_for", "queue", "limits"}

// readMailServer reads relay_for:, queue: and limits: of a server entry.
func (d *decoder) readMailServer(m map[string]*yaml.Node) rawMailServer {
	rm := rawMailServer{
		queue:  Queue{Retry: DefaultQueueRetry, MaxRetry: DefaultQueueMaxRetry, Lifetime: DefaultQueueLifetime, WarnAfter: DefaultQueueWarnAfter},
		limits: Limits{MaxSize: DefaultMaxSize, MaxRecipients: DefaultMaxRecipients},
	}
	if n, ok := m["relay_for"]; ok {
		rm.relayNode, rm.n = n, n
		doms, _ := d.stringList(n, d.str)
		for _, dm := range doms {
			dm = strings.ToLower(dm)
			if !validDomain(dm) {
				d.errf(n, "", "expected a domain name like shop.com, got %q", dm)
				continue
			}
			rm.relayFor = append(rm.relayFor, dm)
		}
	}
	if n, ok := m["queue"]; ok {
		rm.n = n
		qm, _ := d.fields(n, "queue", "retry", "max_retry", "lifetime", "warn_after")
		set := func(key string, dst *time.Duration) {
			if v, ok := qm[key]; ok {
				if t, ok := d.duration(v); ok {
					*dst = t
				}
			}
		}
		set("retry", &rm.queue.Retry)
		set("max_retry", &rm.queue.MaxRetry)
		set("lifetime", &rm.queue.Lifetime)
		set("warn_after", &rm.queue.WarnAfter)
		if v, ok := qm["retry"]; ok && rm.queue.Retry <= 0 {
			d.errf(v, "e.g. retry: 5m", "retry must be longer than 0")
		}
		if v, ok := qm["lifetime"]; ok && rm.queue.Lifetime <= 0 {
			d.errf(v, "e.g. lifetime: 5d", "lifetime must be longer than 0")
		}
		if _, ok := qm["max_retry"]; !ok && rm.queue.MaxRetry < rm.queue.Retry {
			rm.queue.MaxRetry = rm.queue.Retry
		} else if v, ok := qm["max_retry"]; ok && rm.queue.MaxRetry < rm.queue.Retry {
			d.errf(v, "", "max_retry %s is shorter than retry %s", fmtDur(rm.queue.MaxRetry), fmtDur(rm.queue.Retry))
		}
	}
	if n, ok := m["limits"]; ok {
		rm.n = n
		lm, _ := d.fields(n, "limits", "max_size", "max_recipients")
		if v, ok := lm["max_size"]; ok {
			if b, ok := d.size(v); ok {
				rm.limits.MaxSize = b
			}
		}
		if v, ok := lm["max_recipients"]; ok {
			if r, ok := d.integer(v, "a number of recipients", 1, 100000); ok {
				rm.limits.MaxRecipients = int(r)
			}
		}
	}
	return rm
}

// size reads a byte count: 1000, 500KB, 10MB, 1GB (powers of 1000) or
// 64KiB, 10MiB (powers of 1024).
func (d *decoder) size(n *yaml.Node) (int64, bool) {
	s, ok := d.scalar(n, "a size like 10MB")
	if !ok {
		return 0, false
	}
	num := strings.TrimRight(s, "BbKkMGiI ")
	unit := strings.TrimSpace(s[len(num):])
	mult := map[string]float64{"": 1, "B": 1, "KB": 1e3, "kB": 1e3, "K": 1e3, "MB": 1e6, "M": 1e6, "GB": 1e9, "G": 1e9,
		"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}[unit]
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || mult == 0 || v < 0 || v*mult < 1 || v*mult > math.MaxInt32*4.0 {
		d.errf(n, "units: B, KB, MB, GB, KiB, MiB, GiB", "expected a size like 10MB, got %q", s)
		return 0, false
	}
	return int64(v * mult), true
}

// readMXList reads a domain's mx: list: host names (preferences 10, 20,
// 30… in order) or {host, pref} entries.
func (d *decoder) readMXList(n *yaml.Node) []rawMX {
	var out []rawMX
	for i, item := range n.Content {
		item = d.deref(item)
		mx := rawMX{pref: uint16(10 * (i + 1)), n: item}
		if item != nil && item.Kind == yaml.MappingNode {
			m, _ := d.fields(item, "an MX", "host", "pref")
			if v, ok := m["host"]; ok {
				mx.host, _ = d.str(v)
				mx.n = v
			} else {
				d.errf(item, "e.g. {host: mx2.comentum.com, pref: 20}", "an MX needs host:")
			}
			if v, ok := m["pref"]; ok {
				p, _ := d.integer(v, "an MX preference", 0, 65535)
				mx.pref = uint16(p)
			}
		} else {
			mx.host, _ = d.str(item)
		}
		mx.host = strings.ToLower(strings.TrimSuffix(mx.host, "."))
		if mx.host != "" {
			out = append(out, mx)
		}
	}
	if len(out) == 0 {
		d.errf(n, "name at least one SMTP host, or write mx: none", "the MX list is empty")
	}
	return out
}

// resolveMX fills in every domain's MX list once all hosts are known,
// and makes a host named as MX of another ISP's domain relay for it.
func (nw *world) resolveMX(doc *rawDoc) {
	for _, ri := range doc.isps {
		isp := nw.ispNamed(ri.name) // s is not indexed yet: ISP would scan
		if isp == nil {
			continue
		}
		byName := make(map[string]int, len(isp.Domains))
		for j := range isp.Domains {
			byName[isp.Domains[j].Name] = j // the last of a name, as before
		}
		for _, rd := range ri.domains {
			var dm *Domain
			if j, ok := byName[rd.name]; ok {
				dm = &isp.Domains[j]
			}
			if dm == nil || !rd.mx {
				continue
			}
			if rd.mxList == nil {
				if p := isp.Server(SMTP); p != "" {
					dm.MXHosts = []MX{{Host: p, Pref: DefaultMXPref}}
				}
				continue
			}
			for _, mx := range rd.mxList {
				if nw.serverRef(mx.host, SMTP, nw.d.pos(mx.n)) == "" {
					continue
				}
				dm.MXHosts = append(dm.MXHosts, MX{Host: mx.host, Pref: mx.pref})
				nw.relayFor(mx.host, dm.Name)
			}
		}
	}
	// Explicit relay_for: the domain must exist and belong to another ISP.
	for _, ri := range doc.isps {
		for _, rs := range ri.servers {
			for _, dom := range rs.mail.relayFor {
				owner, ok := nw.domainISP[dom]
				switch {
				case !ok:
					nw.d.errf(rs.mail.relayNode, "", "no ISP serves domain %s", dom)
				case owner == ri.name:
					nw.d.errf(rs.mail.relayNode, "a server delivers its own ISP's domains itself", "%s is a domain of %s itself", dom, ri.name)
				default:
					nw.relayFor(rs.name, dom)
				}
			}
		}
	}
}

// relayFor makes SMTP host host a backup MX for dom, unless dom is one
// of its own ISP's domains (then it delivers the mail itself).
func (nw *world) relayFor(host, dom string) {
	for i := range nw.s.ISPs {
		isp := &nw.s.ISPs[i]
		srv := isp.SMTPServer(host)
		if srv == nil {
			continue
		}
		if domainIn(dom, domainSet(isp.Domains)) == dom {
			return
		}
		if !contains(srv.RelayFor, dom) {
			srv.RelayFor = append(srv.RelayFor, dom)
		}
	}
}

// relayForAdded makes the host named by each dns_add of an MX record a
// backup MX for the record's domain, as its administrator would have
// configured it before publishing the record.
func (nw *world) relayForAdded() {
	for _, a := range nw.s.Timeline {
		if a.Kind == ActDNSAdd && a.Record != nil && a.Record.Type == "MX" {
			nw.relayFor(strings.ToLower(strings.TrimSuffix(a.Record.Value, ".")), a.Record.Name)
		}
	}
}

// quotaOf reads a quota: value; 0 means none.
func (d *decoder) quotaOf(m map[string]*yaml.Node) (int64, *yaml.Node) {
	n, ok := m["quota"]
	if !ok {
		return 0, nil
	}
	if s, ok := d.scalar(n, "a size like 1MB"); ok && (s == "none" || s == "0") {
		return 0, n
	}
	q, _ := d.size(n)
	return q, n
}

// mailServerKeysOnSMTP reports settings given to a host that runs no smtp.
func (nw *world) mailServerKeysOnSMTP(rs rawServer) {
	if rs.mail.n != nil && !contains(rs.services, SMTP) {
		nw.d.errf(rs.mail.n, "relay_for, queue and limits are settings of an smtp host", "server %s does not run smtp", rs.name)
	}
}

// String formats an MX as in a zone file: "10 smtp.comentum.com".
func (m MX) String() string { return fmt.Sprintf("%d %s", m.Pref, m.Host) }

// replyLine reads smtp_reply's line: last (0), any (-1) or a line
// number; -2 when it is wrong.
func (d *decoder) replyLine(n *yaml.Node) int {
	s, ok := d.scalar(n, "last, any or a line number")
	if !ok {
		return -2
	}
	switch s {
	case "last":
		return 0
	case "any":
		return -1
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 || v > 100 {
		d.errf(n, "line: last (the default), any, or 1 for the first line", "expected line: last, any or a line number, got %q", s)
		return -2
	}
	return v
}

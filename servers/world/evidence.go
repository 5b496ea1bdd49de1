package world

import (
	"bytes"
	"mime"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"mailsim/servers/service"
	"mailsim/servers/store"
	"mailsim/sim"
	"mailsim/sim/scenario"
)

// evidence is what the run leaves behind for expectations to check.
type evidence struct {
	rt *Runtime

	mu         sync.Mutex
	deliveries []delivery
	replies    []reply
	counts     map[int]int       // mailbox and seen expectation index → count seen at its time
	httpPaths  map[string]string // HTTP conversation → path of its last request
	sendErrors []string
	// wantReplies is set when some expectation looks at server replies;
	// otherwise segments need not be parsed at all.
	wantReplies bool
	// paths are the path expectations: only the bodies they may read
	// are kept.
	paths []*scenario.Expectation
	// boxes are the mailboxes (ISP, login) delivered and bounced
	// expectations look at; other deliveries leave no record unless
	// allBoxes (a path expectation may follow any message).
	boxes    map[[2]string]bool
	allBoxes bool
	// inboxes are the PCs whose mail program's inbox a downloaded
	// expectation reads; a path expectation reads every one.
	inboxes map[string]bool
}

type delivery struct {
	at      time.Duration
	isp     string
	login   string
	subject string
	from    string
	data    []byte
	bounce  *bounceInfo
}

type bounceInfo struct {
	recipients []string
	statuses   []string
}

type reply struct {
	at       time.Duration
	proto    string // "smtp" (also LMTP), "pop3", "imap" or "http"
	code     int    // SMTP
	enhanced string // SMTP
	status   string // POP3: +OK or -ERR; IMAP: OK, NO, BAD or BYE
	path     string // HTTP: the path of the request answered
	text     string
	server   string
	client   string
	line     int  // SMTP: 1, 2… within a multi-line reply
	last     bool // SMTP: the reply's last line ("250 " rather than "250-")
}

func newEvidence(rt *Runtime) *evidence {
	ev := &evidence{rt: rt, counts: map[int]int{}, httpPaths: map[string]string{}, boxes: map[[2]string]bool{}, inboxes: map[string]bool{}}
	for i := range rt.Scenario.Expect {
		e := &rt.Scenario.Expect[i]
		switch e.Kind {
		case scenario.ExpSMTPReply, scenario.ExpPOP3Reply, scenario.ExpIMAPReply, scenario.ExpHTTPReply:
			ev.wantReplies = true
		case scenario.ExpPath:
			ev.paths = append(ev.paths, e)
			ev.allBoxes = true
		case scenario.ExpDelivered:
			ev.boxes[[2]string{e.ISP, e.Login}] = true
		case scenario.ExpBounced:
			isp, login, _ := rt.Scenario.Mailbox(e.Sender)
			ev.boxes[[2]string{isp, login}] = true
		case scenario.ExpDownloaded:
			ev.inboxes[e.Host] = true
		}
	}
	return ev
}

// delivered is called by a store after each delivery, in a simulated goroutine.
func (ev *evidence) delivered(isp, box string, m store.Message) {
	if !ev.allBoxes && !ev.boxes[[2]string{isp, box}] {
		return // no expectation looks at this mailbox: no need to parse
	}
	d := delivery{at: m.Delivered.Sub(ev.rt.World.Epoch()), isp: isp, login: box, data: m.Data}
	d.subject, d.from = headerInfo(m.Data)
	d.bounce = parseBounce(m.Data)
	if d.bounce == nil && !ev.pathWants(d.subject, d.from) {
		d.data = nil // no expectation reads it: a large run need not keep every body twice
	}
	ev.mu.Lock()
	ev.deliveries = append(ev.deliveries, d)
	ev.mu.Unlock()
}

// readsBodies reports whether an expectation reads downloaded messages
// whole: a path expectation follows their Received chains.
func (ev *evidence) readsBodies() bool { return len(ev.paths) > 0 }

// readsInbox reports whether an expectation reads the inbox of the mail
// program on pc. A lean world keeps none for the others: a large load's
// 10,000 PCs held a tenth of its live heap in them.
func (ev *evidence) readsInbox(pc string) bool { return len(ev.paths) > 0 || ev.inboxes[pc] }

// pathWants reports whether a path expectation may read the Received
// chain of a delivered message with this subject and sender (bounced
// expectations read bounces' bodies, which are always kept).
func (ev *evidence) pathWants(subject, from string) bool {
	for _, e := range ev.paths {
		if matchSubj(e.Subject, subject) && matchAddr(e.From, from) {
			return true
		}
	}
	return false
}

func (ev *evidence) sendFailed(a *scenario.Action, err error) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	ev.sendErrors = append(ev.sendErrors, a.Pos.String()+": "+err.Error())
}

var (
	smtpReplyRE = regexp.MustCompile(`^([2-5]\d\d)[ -](?:([245]\.\d{1,3}\.\d{1,3}) )?(.*)$`)
	pop3ReplyRE = regexp.MustCompile(`^(\+OK|-ERR)(?: (.*))?$`)
)

// event collects server replies from the first hop of each segment.
func (ev *evidence) event(e *sim.Event) {
	if !ev.wantReplies || e.Kind != sim.KindHop || e.Hop != 1 || e.Proto != "tcp" || len(e.Payload) == 0 {
		return
	}
	if s := service.ByPort(e.Dst.Port()); s != nil && s.Kind == service.HTTP {
		ev.httpRequest(e)
		return
	}
	spec := service.ByPort(e.Src.Port())
	if spec == nil || spec.Replies == "" {
		return
	}
	switch spec.Replies {
	case service.IMAP:
		ev.imapReplies(e)
		return
	case service.HTTP:
		ev.httpReply(e)
		return
	}
	proto := string(spec.Replies) // "smtp" or "pop3"
	rest := e.Payload
	lineNo := 0
	for len(rest) > 0 {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		line = bytes.TrimRight(line, "\r")
		r := reply{at: e.Depart, proto: proto, server: e.SrcHost, client: e.DstHost}
		if proto == "smtp" {
			// A reply line: three digits, then a space or a hyphen.
			if len(line) < 4 || line[0] < '2' || line[0] > '5' || !isDigit(line[1]) || !isDigit(line[2]) || (line[3] != ' ' && line[3] != '-') {
				continue
			}
			m := smtpReplyRE.FindSubmatch(line)
			if m == nil {
				continue
			}
			r.code, _ = strconv.Atoi(string(m[1]))
			r.enhanced, r.text = string(m[2]), string(m[3])
			lineNo++
			r.line, r.last = lineNo, line[3] == ' '
			if r.last {
				lineNo = 0
			}
		} else {
			m := pop3ReplyRE.FindSubmatch(line)
			if m == nil {
				break
			}
			r.status, r.text = string(m[1]), string(m[2])
		}
		ev.mu.Lock()
		ev.replies = append(ev.replies, r)
		ev.mu.Unlock()
		if proto == "pop3" {
			break // the rest of a POP3 segment may be message text
		}
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// headerInfo returns a message's decoded Subject and From address.
func headerInfo(data []byte) (subject, from string) {
	h, err := readHeader(data)
	if err != nil {
		return "", ""
	}
	dec := new(mime.WordDecoder)
	subject = h.Get("Subject")
	if s, err := dec.DecodeHeader(subject); err == nil {
		subject = s
	}
	if a, err := mail.ParseAddress(h.Get("From")); err == nil {
		from = a.Address
	} else {
		from = h.Get("From")
	}
	return subject, from
}

var (
	finalRcptRE = regexp.MustCompile(`(?mi)^Final-Recipient:\s*rfc822;\s*<?([^>\s]+)>?`)
	statusRE    = regexp.MustCompile(`(?mi)^Status:\s*([245]\.\d{1,3}\.\d{1,3})`)
	// RFC 3464 §2.3.3: a bounce reports at least one recipient failed.
	actionFailedRE = regexp.MustCompile(`(?mi)^Action:\s*failed\b`)
)

// parseBounce reads the delivery-status part of an RFC 3464 report.
func parseBounce(data []byte) *bounceInfo {
	if !bytes.Contains(bytes.ToLower(data), []byte("report-type=delivery-status")) {
		return nil
	}
	if actionFailedRE.Find(data) == nil {
		return nil // a delay warning (Action: delayed) or a success report: not a bounce
	}
	b := &bounceInfo{}
	for _, m := range finalRcptRE.FindAllSubmatch(data, -1) {
		b.recipients = append(b.recipients, strings.ToLower(string(m[1])))
	}
	for _, m := range statusRE.FindAllSubmatch(data, -1) {
		b.statuses = append(b.statuses, string(m[1]))
	}
	return b
}

// receivedPath reads the Received chain of a message, oldest first, as
// host names: the client of the first hop, then every server it passed.
func (rt *Runtime) receivedPath(data []byte) []string {
	h, err := readHeader(data)
	if err != nil {
		return nil
	}
	fields := h["Received"]
	var path []string
	for i := len(fields) - 1; i >= 0; i-- {
		f := fields[i]
		if i == len(fields)-1 {
			if m := ipRE.FindStringSubmatch(f); m != nil {
				if h := rt.hostByAddrString(m[1]); h != "" {
					path = append(path, h)
				}
			}
		}
		if m := byRE.FindStringSubmatch(f); m != nil {
			path = append(path, m[1])
		}
	}
	return path
}

var (
	ipRE = regexp.MustCompile(`\(\[?(\d+\.\d+\.\d+\.\d+)\]?\)`)
	byRE = regexp.MustCompile(`\bby\s+([^\s;]+)`)
)

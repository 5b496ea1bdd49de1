package world

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"mailsim/servers/env"
	"mailsim/servers/service"
	"mailsim/servers/store"
	"mailsim/sim"
	"mailsim/sim/scenario"
)

// Journey is one message's way through the run, from the outbox to a
// mailbox, a download, or a bounce. Every message composed in the run
// gets one (and so does every bounce); the story view, mailsim show, the
// summary and the window's letters read journeys, not packets.
type Journey struct {
	ID        string   // "M1", "M2"… in order of composition
	MessageID string   // the Message-ID header, angle brackets included
	Subject   string   // as composed
	From      string   // sender address ("" for a bounce's null sender)
	To        []string // recipients
	Parent    string   // for a bounce: the journey it reports on
	Bounce    string   // the journey of the bounce it caused, if any
	// Notice is "delay" for a delay warning (Parent is the message it
	// is about), "" for a message or a bounce.
	Notice string
	Steps  []Step
	// QueueIDs are the ids servers gave it, "host id" ("smtp.otherisp.com 0D5A4C2735").
	QueueIDs []string

	// at numbers its steps in the run's log (journeys.log): the registry
	// keeps each step once, and fills Steps only in the copies it hands out.
	at []int32
	// name is ID's number among the log's names, 0 until its first step.
	name int32
}

// Step is one thing that happened to a message, at a virtual time.
type Step struct {
	N       int           // 1, 2, 3… over the whole run, in order
	At      time.Duration // virtual time
	Msg     string        // journey id; "" for a timeline action ("Bob presses Send/Recv")
	Kind    string        // env.StepKind, "submitted", "relayed", or "action"
	Host    string        // where it happened
	From    string        // client host of a transfer ("" if none)
	To      string        // server host of a transfer or lookup ("" if none)
	Port    int           // the server's port (0 if none)
	Proto   string        // "smtp", "lmtp", "pop3", "dns", ""
	Reply   string        // the reply that decided it
	Detail  string        // more: an error, a mailbox, the domain looked up
	QueueID string        // the server's queue id, if any
	Retry   time.Duration // deferred: wait before the next attempt
	Text    string        // the step in plain words
	Rcpts   []string      // the recipients concerned, as the server said (the invariant counts them)
}

// journeys is the world's registry of messages: Message-ID → journey,
// server queue ids → journey, and every step in order.
type journeys struct {
	rt *Runtime

	mu      sync.Mutex
	list    []*Journey
	byMsgID map[string]*Journey
	byQueue map[string]*Journey // "host queueid"
	log     stepLog
	flows   map[flowKey]string // TCP stream → journey whose data it is carrying
	names   strArena           // journeys' ids and queue keys
}

// strArena keeps strings that live as long as the run end to end in
// large blocks, so that they are not an object each for the collector to
// mark (a journey's id and queue keys were five a message).
type strArena struct{ cur []byte }

// join returns the parts joined, kept in the arena. A string shares its
// block's bytes, which are never written again.
func (a *strArena) join(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n == 0 {
		return ""
	}
	if cap(a.cur)-len(a.cur) < n {
		a.cur = make([]byte, 0, max(textBlock, n))
	}
	start := len(a.cur)
	for _, p := range parts {
		a.cur = append(a.cur, p...)
	}
	return unsafe.String(&a.cur[start], n)
}

type flowKey struct {
	conn uint64
	src  netip.AddrPort
}

func newJourneys(rt *Runtime) *journeys {
	return &journeys{rt: rt, byMsgID: map[string]*Journey{}, byQueue: map[string]*Journey{}, flows: map[flowKey]string{}}
}

// Journeys returns a copy of every journey so far, in order of composition.
func (rt *Runtime) Journeys() []Journey {
	j := rt.journeys
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Journey, len(j.list))
	for i, x := range j.list {
		j.copyTo(&out[i], x, nil)
	}
	return out
}

// eachJourney calls fn with a copy of every journey in turn, without
// holding them all at once (a large run has hundreds of thousands of
// steps). fn may keep x but not its Steps, whose array the next call
// reuses; j.mu is not held while fn runs.
func (rt *Runtime) eachJourney(fn func(x *Journey)) {
	j := rt.journeys
	j.mu.Lock()
	n := len(j.list)
	j.mu.Unlock()
	var x Journey
	var steps []Step
	for i := range n {
		j.mu.Lock()
		j.copyTo(&x, j.list[i], steps[:0])
		j.mu.Unlock()
		steps = x.Steps
		fn(&x)
	}
}

// copyTo fills out with a copy of x whose steps are appended to steps.
// j.mu must be held.
func (j *journeys) copyTo(out, x *Journey, steps []Step) {
	*out = *x
	out.at = nil
	for _, n := range x.at {
		steps = append(steps, j.log.step(n))
	}
	out.Steps = steps
	out.QueueIDs = append([]string(nil), x.QueueIDs...)
	out.To = append([]string(nil), x.To...)
}

// Steps returns every step so far, message steps and timeline actions, in order.
func (rt *Runtime) Steps() []Step {
	j := rt.journeys
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Step, j.log.n)
	for i := range out {
		out[i] = j.log.step(int32(i))
	}
	return out
}

// JourneyOf finds the journey of a message by its Message-ID, or of a
// server's queue id ("smtp.otherisp.com", "0D5A4C2735"); "" if unknown.
func (rt *Runtime) JourneyOf(messageID, host, queueID string) string {
	j := rt.journeys
	j.mu.Lock()
	defer j.mu.Unlock()
	if x := j.byMsgID[messageID]; x != nil {
		return x.ID
	}
	if x := j.byQueue[host+" "+queueID]; x != nil {
		return x.ID
	}
	return ""
}

// reporter is the StepFunc of one host's servers and programs.
func (j *journeys) reporter(host string) env.StepFunc {
	return func(s env.Step) { j.report(host, s) }
}

// report turns a server's step into a journey step and records it.
func (j *journeys) report(host string, s env.Step) {
	st := Step{Kind: string(s.Kind), Host: host, Proto: s.Proto, Reply: s.Reply, Detail: s.Detail, QueueID: s.QueueID, Retry: s.Retry,
		Rcpts: s.Rcpts} // the log keeps a copy
	if s.Kind == env.StepLookup && s.MessageID == "" { // a Send/Recv's lookup: no message yet
		j.action(host, j.rt.resolverOf(host), "dns", lookupWords(j.rt.userOf(host), s))
		return
	}
	j.mu.Lock()
	var x *Journey
	switch s.Kind {
	case env.StepComposed:
		x = j.newJourney(s.MessageID, s.Subject, s.Sender, s.Rcpts)
	case env.StepMX, env.StepDeferred, env.StepRetry, env.StepBounced, env.StepDelayed:
		x = j.byQueue[host+" "+s.QueueID]
	default:
		x = j.byMsgID[s.MessageID]
		if x == nil && s.MessageID != "" { // composed outside the run (a real client in serve)
			x = j.newJourney(s.MessageID, s.Subject, s.Sender, s.Rcpts)
		}
	}
	if x == nil {
		j.mu.Unlock()
		return
	}
	if s.QueueID != "" && s.Kind != env.StepBounced && s.Kind != env.StepDelayed {
		j.addQueue(x, host, s.QueueID)
	}
	st.Msg = x.ID
	var bounce *Journey
	switch s.Kind {
	case env.StepComposed:
		st.Kind = "composed"
	case env.StepAccepted, env.StepHanded:
		st.From, st.To = j.rt.hostByAddrString(s.From), host
		if st.From == "" {
			st.From = s.From
		}
		if s.Kind == env.StepAccepted {
			st.Kind = "relayed"
			if j.rt.Scenario.PC(st.From) != nil || s.Proto == string(scenario.Submission) {
				st.Kind = "submitted"
			}
		}
	case env.StepMX, env.StepLookup:
		st.From, st.To = host, j.rt.resolverOf(host)
	case env.StepDownloaded:
		st.From, st.To = s.To, hostOf(s.From)
	case env.StepRead:
		st.From, st.To = j.rt.hostByAddrString(s.From), host // the browser, and Web Mail
	case env.StepDeleted, env.StepLeft, env.StepRefused:
		st.From, st.To = s.From, hostOf(s.To)
		if s.Proto == string(scenario.HTTP) { // in Web Mail: the browser asked
			st.From, st.To = j.rt.hostByAddrString(s.From), host
		}
		if s.Proto == "dns" { // the mail program could not look its server up
			st.To = j.rt.resolverOf(s.From)
		}
	case env.StepBounced:
		subject := "Undelivered Mail Returned to Sender"
		if x.Parent != "" { // a bounce that failed: a double bounce for the postmaster
			subject = "Postmaster Copy: Undelivered Mail"
		}
		bounce = j.newJourney(s.Bounce, subject, "", []string{s.To})
		bounce.Parent, x.Bounce = x.ID, bounce.ID
		j.addQueue(bounce, host, s.BounceQueueID)
		st.QueueID = s.QueueID
	case env.StepDelayed:
		bounce = j.newJourney(s.Bounce, "Delayed Mail (still being retried)", "", []string{s.To})
		bounce.Parent, bounce.Notice = x.ID, "delay"
		j.addQueue(bounce, host, s.BounceQueueID)
		st.QueueID = s.QueueID
	}
	if st.To != "" && st.Proto != "" {
		st.Port = protoPort(st.Proto)
	}
	if !j.rt.quiet {
		st.Text = j.rt.sentence(x, &st, s, bounce)
	}
	j.mu.Unlock()
	j.add(st, x, bounce) // a bounce's journey starts with the step that wrote it
}

// stored records a delivery into a mailbox of an ISP's store.
func (j *journeys) stored(isp, box string, m store.Message) {
	j.mu.Lock()
	x := j.byMsgID[messageIDOf(m.Data)]
	j.mu.Unlock()
	if x == nil {
		return
	}
	host := ""
	if ir := j.rt.isps[isp]; ir != nil {
		host = ir.sc.Server(scenario.POP3)
		if host == "" {
			host = ir.sc.Server(scenario.SMTP)
		}
	}
	st := Step{Kind: string(env.StepStored), Msg: x.ID, Host: host, Detail: box}
	if !j.rt.quiet {
		st.Text = capitalize(fmt.Sprintf("%s waits in %s's mailbox on %s", quoteSubject(x), box, host))
	}
	j.add(st, x)
}

// action records a timeline action that is not about one message.
func (j *journeys) action(host, to, proto, text string) {
	st := Step{Kind: "action", Host: host, Proto: proto, Text: text}
	if to != "" {
		st.From, st.To = host, to
		st.Port = protoPort(proto)
	}
	j.add(st)
}

// add numbers a step, appends it to its journey, and puts it in the
// event stream. Steps are reported from simulated goroutines, one at a
// time, so their order is the same on every run.
func (j *journeys) add(st Step, xs ...*Journey) {
	w := j.rt.World
	st.At = w.Now()
	j.mu.Lock()
	st.N = int(j.log.n) + 1
	var x *Journey
	if len(xs) > 0 {
		x = xs[0]
	}
	n := j.log.add(&st, x)
	for _, x := range xs {
		if x != nil {
			x.at = append(x.at, n)
		}
	}
	j.mu.Unlock()
	e := sim.Event{Host: st.Host, Msg: st.Msg, Step: st.Kind, From: st.From, To: st.To, Proto: st.Proto, Reply: st.Reply, Text: st.Text}
	if h := j.rt.Scenario.Host(st.To); h != nil && st.Port != 0 {
		e.Dst = netip.AddrPortFrom(h.Addr, uint16(st.Port))
	}
	w.AddStep(e)
}

// newJourney registers a message. j.mu must be held.
func (j *journeys) newJourney(msgID, subject, from string, to []string) *Journey {
	x := &Journey{ID: j.names.join("M", strconv.Itoa(len(j.list)+1)), MessageID: msgID, Subject: subject, From: from, To: append([]string(nil), to...)}
	j.list = append(j.list, x)
	if msgID != "" {
		j.byMsgID[msgID] = x
	}
	return x
}

// addQueue maps a server's queue id to x. j.mu must be held.
func (j *journeys) addQueue(x *Journey, host, id string) {
	if j.byQueue[host+" "+id] == x {
		return
	}
	key := j.names.join(host, " ", id)
	j.byQueue[key] = x
	x.QueueIDs = append(x.QueueIDs, key)
}

// tag names the message whose data a TCP segment carries: the segment
// with its Message-ID header, and the rest of that DATA or RETR reply.
// It runs on the kernel goroutine, once per segment.
func (j *journeys) tag(e *sim.Event) string {
	if e.Proto != "tcp" || len(e.Payload) == 0 || (PortProtocol(e.Src.Port()) == "" && PortProtocol(e.Dst.Port()) == "") {
		return ""
	}
	key := flowKey{e.Conn, e.Src}
	j.mu.Lock()
	defer j.mu.Unlock()
	id := j.flows[key]
	if id == "" {
		if x := j.byMsgID[findMessageID(e.Payload)]; x != nil {
			id = x.ID
		}
	}
	if id == "" {
		return ""
	}
	p := e.Payload
	if bytes.HasSuffix(p, []byte("\r\n.\r\n")) || bytes.Equal(p, []byte(".\r\n")) {
		delete(j.flows, key) // the end of the data
	} else {
		j.flows[key] = id
	}
	return id
}

// findMessageID finds the first Message-ID header line in a segment.
func findMessageID(p []byte) string {
	const name = "message-id:"
	for len(p) > 0 {
		line := p
		next := bytes.IndexByte(p, '\n')
		if next >= 0 {
			line, p = p[:next], p[next+1:]
		} else {
			p = nil
		}
		if len(line) > len(name) && strings.EqualFold(string(line[:len(name)]), name) {
			return strings.TrimSpace(string(line[len(name):]))
		}
	}
	return ""
}

// messageIDOf reads a stored message's Message-ID.
func messageIDOf(data []byte) string {
	h, err := readHeader(data)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(h.Get("Message-ID"))
}

// hostOf drops the port of "host:port".
func hostOf(hp string) string {
	if h, _, err := net.SplitHostPort(hp); err == nil {
		return h
	}
	return hp
}

// resolverOf is the DNS server a host asks.
func (rt *Runtime) resolverOf(host string) string {
	if h := rt.Scenario.Host(host); h != nil {
		if isp := rt.Scenario.ISP(h.ISP); isp != nil {
			return isp.Server(scenario.DNS)
		}
	}
	return ""
}

// protoPort is the well-known port of a service kind (the service table's).
func protoPort(proto string) int {
	if s, ok := service.Lookup(service.Kind(proto)); ok {
		return int(s.Port())
	}
	return 0
}

// PortProtocol names the service a well-known port carries, "" if none.
func PortProtocol(port uint16) string {
	if s := service.ByPort(port); s != nil {
		return string(s.Kind)
	}
	return ""
}

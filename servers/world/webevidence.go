package world

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"mailsim/sim"
	"mailsim/sim/scenario"
)

var (
	imapStatusRE  = regexp.MustCompile(`^(\*|[A-Za-z0-9.]+) (OK|NO|BAD|BYE)\b ?(.*)$`)
	httpRequestRE = regexp.MustCompile(`^[A-Z]+ (\S+) HTTP/1\.[01]$`)
	httpStatusRE  = regexp.MustCompile(`^HTTP/1\.[01] (\d{3}) ?(.*)$`)
)

// conversation names one TCP connection from its client's side.
func conversation(client, server fmt.Stringer) string { return client.String() + ">" + server.String() }

// imapReplies collects the status responses (tagged or untagged) of an
// IMAP server's segment.
func (ev *evidence) imapReplies(e *sim.Event) {
	for _, line := range bytes.Split(e.Payload, []byte("\n")) {
		m := imapStatusRE.FindSubmatch(bytes.TrimRight(line, "\r"))
		if m == nil {
			continue
		}
		ev.mu.Lock()
		ev.replies = append(ev.replies, reply{at: e.Depart, proto: "imap", status: string(m[2]), text: string(m[3]), server: e.SrcHost, client: e.DstHost})
		ev.mu.Unlock()
	}
}

// httpRequest remembers the path of a request, for the reply to it.
func (ev *evidence) httpRequest(e *sim.Event) {
	line, _, _ := bytes.Cut(e.Payload, []byte("\r\n"))
	if m := httpRequestRE.FindSubmatch(line); m != nil {
		path, _, _ := strings.Cut(string(m[1]), "?")
		ev.mu.Lock()
		ev.httpPaths[conversation(e.Src, e.Dst)] = path
		ev.mu.Unlock()
	}
}

// httpReply records a status line with the path it answers.
func (ev *evidence) httpReply(e *sim.Event) {
	line, _, _ := bytes.Cut(e.Payload, []byte("\r\n"))
	m := httpStatusRE.FindSubmatch(line)
	if m == nil {
		return
	}
	code, _ := strconv.Atoi(string(m[1]))
	ev.mu.Lock()
	defer ev.mu.Unlock()
	ev.replies = append(ev.replies, reply{at: e.Depart, proto: "http", code: code, text: string(m[2]),
		path: ev.httpPaths[conversation(e.Dst, e.Src)], server: e.SrcHost, client: e.DstHost})
}

// checkSeen judges a seen expectation.
func (rt *Runtime) checkSeen(i int, e *scenario.Expectation) (bool, string) {
	n, ok := rt.ev.counts[i]
	if !ok {
		return false, "the run ended before the mailbox was inspected"
	}
	flag := seenWords(e)
	if n == 0 {
		return false, "no matching message " + flag
	}
	return true, fmt.Sprintf("%d message(s) %s", n, flag)
}

package world

import (
	"fmt"
	"strconv"
	"strings"

	"mailsim/servers/env"
)

// Conservation is the invariant "nothing accepted is ever lost", counted
// from the journeys. Every copy (one message for one recipient) that a
// server accepted with a 2xx reply is in a server's custody until it is
// handed to the next server, bounced, stored in a mailbox, or still
// queued at the end. Copies are counted once, where they end.
type Conservation struct {
	// Accepted copies: those a first server took (from a mail program
	// or a real client) and each bounce a server wrote. Accepted is the
	// sum of the six counts after it.
	Accepted   int         `json:"accepted"`
	Mailbox    int         `json:"mailbox"`    // stored, still in the mailbox, never downloaded
	Downloaded int         `json:"downloaded"` // stored, then downloaded (left or deleted)
	Bounced    int         `json:"bounced"`    // given up on: a bounce went back (counted in its own right too)
	Postmaster int         `json:"postmaster"` // double bounces delivered to a postmaster
	Queued     int         `json:"queued"`     // still in a queue at the end of the run
	Lost       int         `json:"lost"`       // in custody somewhere, yet none of the above
	Duplicated int         `json:"duplicated"` // more copies came out than went in
	Violations []Violation `json:"-"`
}

// Add counts d's copies in c too (not its violations): totals over runs.
func (c *Conservation) Add(d Conservation) {
	c.Accepted += d.Accepted
	c.Mailbox += d.Mailbox
	c.Downloaded += d.Downloaded
	c.Bounced += d.Bounced
	c.Postmaster += d.Postmaster
	c.Queued += d.Queued
	c.Lost += d.Lost
	c.Duplicated += d.Duplicated
}

// Violation names a message the invariant caught, and its last step.
type Violation struct {
	Msg, Subject string
	What         string // "lost", "duplicated"
	Detail       string
	Last         Step
}

func (v Violation) String() string {
	s := fmt.Sprintf("%s %q %s: %s", v.Msg, v.Subject, v.What, v.Detail)
	if v.Last.N > 0 {
		s += fmt.Sprintf("; last step #%d %s on %s at %s", v.Last.N, v.Last.Kind, v.Last.Host, v.Last.At)
	}
	return s
}

// OK reports whether nothing was lost or duplicated.
func (c Conservation) OK() bool { return len(c.Violations) == 0 }

// String is the summary line: "12 accepted: 3 in mailboxes, 7 downloaded, …".
func (c Conservation) String() string {
	return fmt.Sprintf("%d accepted: %d in mailboxes, %d downloaded, %d bounced, %d to postmaster, %d queued, %d lost, %d duplicated",
		c.Accepted, c.Mailbox, c.Downloaded, c.Bounced, c.Postmaster, c.Queued, c.Lost, c.Duplicated)
}

// custody is one copy held by one server.
type custody struct {
	host, rcpt string
	step       int  // the step that opened it
	done       bool // handed on, bounced or queued
}

// Conservation checks the invariant over the journeys so far, with the
// queues and mailboxes as they are now. Call it when the world is not
// running (after Run, or between RunUntil calls).
func (rt *Runtime) Conservation() Conservation {
	var c Conservation
	queued := rt.queuedCopies()
	inBox := rt.mailboxCopies()
	rt.eachJourney(func(x *Journey) { rt.conserveJourney(&c, x, queued, inBox) })
	return c
}

// conserveJourney adds one journey's copies to c.
func (rt *Runtime) conserveJourney(c *Conservation, x *Journey, queued map[string][]string, inBox map[string]int) {
	var open []*custody
	find := func(host, rcpt string, done bool) *custody {
		for _, k := range open {
			if k.host == host && k.rcpt == rcpt && k.done == done {
				return k
			}
		}
		return nil
	}
	violate := func(what, detail string) {
		v := Violation{Msg: x.ID, Subject: x.Subject, What: what, Detail: detail}
		if n := len(x.Steps); n > 0 {
			v.Last = x.Steps[n-1]
		}
		c.Violations = append(c.Violations, v)
	}
	stored, downloaded, deleted := 0, 0, 0
	for i, st := range x.Steps {
		switch st.Kind {
		case "submitted", "relayed", string(env.StepHanded):
			for _, r := range st.Rcpts {
				r = strings.ToLower(r)
				if k := find(st.From, r, false); k != nil {
					k.done = true
				} else if find(st.From, r, true) != nil {
					c.Duplicated++
					violate("duplicated", fmt.Sprintf("%s handed %s on twice (step #%d)", st.From, r, st.N))
				} else {
					c.Accepted++ // a first acceptance: the copy enters the system
				}
				open = append(open, &custody{host: st.Host, rcpt: r, step: st.N})
			}
		case string(env.StepBounced):
			if i == 0 && x.Parent != "" { // the bounce's own first step: it enters here
				for _, r := range x.To {
					c.Accepted++ // a bounce is a message in its own right
					open = append(open, &custody{host: st.Host, rcpt: strings.ToLower(r), step: st.N})
				}
				continue
			}
			for _, r := range st.Rcpts {
				if k := find(st.Host, strings.ToLower(r), false); k != nil {
					k.done = true
					c.Bounced++
				}
			}
		case string(env.StepStored):
			stored++
		case string(env.StepDownloaded):
			downloaded++
		case string(env.StepDeleted):
			deleted++
		}
	}
	for _, key := range x.QueueIDs {
		host, _, _ := strings.Cut(key, " ")
		for _, r := range queued[key] {
			if k := find(host, strings.ToLower(r), false); k != nil {
				k.done = true
				c.Queued++
			}
		}
	}
	var waiting []*custody // copies that can only have ended in a mailbox
	for _, k := range open {
		if !k.done {
			waiting = append(waiting, k)
		}
	}
	switch {
	case stored < len(waiting):
		lost := waiting[stored:]
		c.Lost += len(lost)
		var who []string
		for _, k := range lost {
			who = append(who, fmt.Sprintf("%s at %s (since step #%d)", k.rcpt, k.host, k.step))
		}
		violate("lost", "accepted, never delivered, bounced or queued: "+strings.Join(who, ", "))
	case stored > len(waiting):
		c.Duplicated += stored - len(waiting)
		violate("duplicated", fmt.Sprintf("stored %d times for %d copies", stored, len(waiting)))
	}
	got := min(stored, len(waiting))
	if x.Parent != "" && rt.isBounce(x.Parent) {
		c.Postmaster += got
		got = 0
	}
	// A stored copy is still in a mailbox, or was deleted by POP3.
	if have := inBox[x.MessageID] + deleted; x.MessageID != "" && have < stored {
		c.Lost += stored - have
		violate("lost", fmt.Sprintf("stored %d times, %d in mailboxes, %d deleted after download", stored, inBox[x.MessageID], deleted))
	}
	dl := min(got, downloaded)
	c.Downloaded += dl
	c.Mailbox += got - dl
}

// isBounce reports whether journey id is a bounce.
func (rt *Runtime) isBounce(id string) bool {
	j := rt.journeys
	j.mu.Lock()
	defer j.mu.Unlock()
	// Ids are "M1", "M2"… in the order of j.list.
	if n, err := strconv.Atoi(strings.TrimPrefix(id, "M")); err == nil && n >= 1 && n <= len(j.list) && j.list[n-1].ID == id {
		return j.list[n-1].Parent != ""
	}
	return false
}

// queuedCopies maps "host queueid" to the recipients still queued there.
func (rt *Runtime) queuedCopies() map[string][]string {
	out := map[string][]string{}
	for _, host := range sortedKeys(rt.services) {
		hs := rt.services[host]
		if hs.smtp == nil {
			continue
		}
		for _, q := range hs.smtp.Queue() {
			out[host+" "+q.ID] = append(out[host+" "+q.ID], q.Rcpts...)
		}
	}
	return out
}

// mailboxCopies counts the copies of each Message-ID in every mailbox.
func (rt *Runtime) mailboxCopies() map[string]int {
	out := map[string]int{}
	for _, name := range sortedKeys(rt.isps) {
		st := rt.isps[name].store
		for _, box := range st.Users() {
			for _, m := range st.Messages(box) {
				out[messageIDOf(m.Data)]++
			}
		}
	}
	return out
}

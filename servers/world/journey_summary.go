package world

import (
	"time"

	"mailsim/servers/env"
)

// MessageSummary is one message's journey in a row: when it was sent,
// delivered and downloaded, and how it ended.
type MessageSummary struct {
	ID      string
	Subject string
	From    string
	To      []string
	Parent  string // a bounce: the message it reports on
	Notice  string // "delay" for a delay warning
	// Times are virtual microseconds; absent when it never happened.
	Sent       *time.Duration
	Delivered  *time.Duration
	Downloaded *time.Duration
	Retries    int
	Bounce     string // the id of the bounce it caused
	// Hops counts hand-overs between hosts: submission, relays, LMTP, download.
	Hops int
	// Latency runs from composition (or a bounce's creation) to the
	// download, or to the mailbox if it was never downloaded.
	Latency *time.Duration
	// Status is where it ended: downloaded, delivered, bounced, refused, queued.
	Status string
}

// Summary sums up every journey of the run, in order of composition.
func (rt *Runtime) Summary() []MessageSummary {
	var out []MessageSummary
	rt.eachJourney(func(x *Journey) { out = append(out, x.summary()) })
	return out
}

func (x *Journey) summary() MessageSummary {
	s := MessageSummary{ID: x.ID, Subject: x.Subject, From: x.From, To: x.To, Parent: x.Parent, Notice: x.Notice, Bounce: x.Bounce, Status: "queued"}
	at := func(p **time.Duration, t time.Duration) {
		if *p == nil {
			*p = &t
		}
	}
	var start *time.Duration
	refused := false
	for _, st := range x.Steps {
		switch st.Kind {
		case "composed":
			at(&start, st.At)
		case "submitted", "relayed", string(env.StepHanded):
			s.Hops++
			if st.Kind != string(env.StepHanded) {
				at(&s.Sent, st.At)
			}
		case string(env.StepStored):
			at(&s.Delivered, st.At)
		case string(env.StepDownloaded):
			s.Hops++
			at(&s.Downloaded, st.At)
		case string(env.StepRetry):
			s.Retries++
		case string(env.StepRefused):
			refused = true
		}
	}
	if x.Parent != "" && len(x.Steps) > 0 { // a bounce starts where it is written
		at(&s.Sent, x.Steps[0].At)
	}
	if len(x.Steps) > 0 {
		at(&start, x.Steps[0].At)
	}
	end := s.Downloaded
	if end == nil {
		end = s.Delivered
	}
	if start != nil && end != nil {
		d := *end - *start
		s.Latency = &d
	}
	switch {
	case s.Downloaded != nil:
		s.Status = "downloaded"
	case s.Delivered != nil:
		s.Status = "delivered"
	case x.Bounce != "":
		s.Status = "bounced"
	case refused:
		s.Status = "refused"
	}
	return s
}

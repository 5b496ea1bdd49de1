package smtp

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"mailsim/servers/env"
)

// bounce sends the sender of message id a delivery status notification
// (RFC 3464, in an RFC 6522 multipart/report) for the recipients that
// failed. The bounce has the null reverse-path, so it is never bounced
// back; a bounce that fails goes to the local postmaster instead, as a
// double bounce (RFC 5321 §6.1), and only a double bounce that fails
// is dropped with a note. giveUp, when set, says the lifetime ran out.
func (s *Server) bounce(id, from string, failed []failure, msg []byte, arrival time.Time, giveUp string) {
	seen := map[string]bool{}
	var statuses, rcpts []string
	for _, f := range failed {
		rcpts = append(rcpts, f.rcpt.String())
		if !seen[f.err.Status] {
			seen[f.err.Status] = true
			statuses = append(statuses, f.err.Status)
		}
	}
	sort.Strings(statuses)
	var sender address
	double := from == ""
	if double {
		s.mu.Lock()
		again := s.doubles[id]
		s.mu.Unlock()
		if s.pmBox == "" || again {
			s.env.Logf("dropped double bounce %s for %s: %s", id, strings.Join(rcpts, ", "), strings.Join(statuses, ","))
			return
		}
		sender = s.pmAddr
	} else {
		var err error
		if sender, err = parseAddress(from); err != nil {
			s.env.Logf("dropped bounce of %s: bad sender %q", id, from)
			return
		}
	}
	now := s.env.Now()
	s.mu.Lock()
	bid := s.newID()
	if double {
		if s.doubles == nil {
			s.doubles = map[string]bool{}
		}
		s.doubles[bid] = true
	}
	boundary := fmt.Sprintf("%s.%s/%s", bid, s.randHex(8), s.cfg.Hostname)
	msgID := fmt.Sprintf("<%s.%s@%s>", now.Format("20060102150405"), s.randHex(12), s.cfg.Hostname)
	s.mu.Unlock()

	dsn := s.buildDSN(dsnParts{
		id: bid, to: sender.String(), boundary: boundary, msgID: msgID, now: now,
		arrival: arrival, failed: failed, giveUp: giveUp, msg: msg, double: double,
	})
	if double {
		s.env.Logf("double bounce %s to the postmaster %s: %s", id, sender, strings.Join(statuses, ","))
	} else {
		s.env.Logf("bounced %s to %s: %s", id, sender, strings.Join(statuses, ","))
	}
	why := make([]string, len(failed))
	for i, f := range failed {
		why[i] = "<" + f.rcpt.String() + ">: " + f.err.Error()
	}
	s.cfg.Track.Report(env.Step{Kind: env.StepBounced, QueueID: id, Rcpts: rcpts, Reply: strings.Join(statuses, ","),
		Detail: strings.Join(why, "; "), Bounce: msgID, BounceQueueID: bid, To: sender.String()})
	if err := s.route(bid, "", []address{sender}, dsn, now); err != nil {
		s.env.Logf("dropped bounce %s of %s: %v", bid, id, err)
	}
}

type dsnParts struct {
	id, to, boundary, msgID string
	now, arrival            time.Time
	failed                  []failure
	giveUp                  string
	msg                     []byte
	// delayed makes it a delay warning (RFC 3464 Action: delayed): the
	// message waited warned long and is retried until until.
	delayed      bool
	warned, life time.Duration
	until        time.Time
	double       bool // a failed bounce, for the postmaster
}

// buildDSN writes the bounce message itself.
func (s *Server) buildDSN(p dsnParts) []byte {
	host := s.cfg.Hostname
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\r\n", args...) }

	w("Received: by %s id %s;", host, p.id)
	w("\t%s", formatDate(p.now))
	w("From: Mail Delivery System <MAILER-DAEMON@%s>", host)
	w("To: <%s>", p.to)
	if p.delayed {
		w("Subject: Delayed Mail (still being retried)")
	} else if p.double {
		w("Subject: Postmaster Copy: Undelivered Mail") // Postfix's words
	} else {
		w("Subject: Undelivered Mail Returned to Sender")
	}
	w("Date: %s", formatDate(p.now))
	w("Message-ID: %s", p.msgID)
	w("Auto-Submitted: auto-replied") // RFC 3834
	w("MIME-Version: 1.0")
	w("Content-Type: multipart/report; report-type=delivery-status;")
	w("\tboundary=\"%s\"", p.boundary)
	w("")
	w("This is a MIME-encapsulated message.")
	w("")

	// Part 1: for people.
	w("--%s", p.boundary)
	w("Content-Description: Notification")
	w("Content-Type: text/plain; charset=us-ascii")
	w("")
	w("This is the mail system at host %s.", host)
	w("")
	if p.delayed {
		// Postfix's delay warning, word for word.
		w("####################################################################")
		w("# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #")
		w("####################################################################")
		w("")
		w("Your message could not be delivered for more than %s.", postfixAge(p.warned))
		w("It will be retried until it is %s old.", postfixAge(p.life))
	} else {
		w("I'm sorry to have to inform you that your message could not")
		w("be delivered to one or more recipients. Its headers are attached below.")
	}
	if p.giveUp != "" {
		w("")
		w("The %s.", p.giveUp)
	}
	for _, f := range p.failed {
		w("")
		w("<%s>: %s", f.rcpt, f.err.Error())
	}
	w("")

	// Part 2: for programs (RFC 3464 §2).
	w("--%s", p.boundary)
	w("Content-Description: Delivery report")
	w("Content-Type: message/delivery-status")
	w("")
	w("Reporting-MTA: dns; %s", host)
	w("Arrival-Date: %s", formatDate(p.arrival))
	for _, f := range p.failed {
		w("")
		w("Final-Recipient: rfc822; %s", f.rcpt)
		if p.delayed {
			w("Action: delayed")
		} else {
			w("Action: failed")
		}
		w("Status: %s", f.err.Status)
		if f.err.RemoteMTA != "" {
			w("Remote-MTA: dns; %s", f.err.RemoteMTA)
		}
		if f.err.Reply != "" {
			w("Diagnostic-Code: smtp; %s", f.err.Reply)
		} else {
			w("Diagnostic-Code: X-mailsim; %s", f.err.Text)
		}
		w("Last-Attempt-Date: %s", formatDate(p.now))
		if p.delayed {
			w("Will-Retry-Until: %s", formatDate(p.until))
		}
	}
	w("")

	// Part 3: the original header, so the sender knows which message.
	w("--%s", p.boundary)
	if p.delayed {
		w("Content-Description: Delayed Message Headers")
	} else {
		w("Content-Description: Undelivered Message Headers")
	}
	w("Content-Type: text/rfc822-headers")
	w("")
	header, _ := splitMessage(p.msg)
	b.Write(header)
	w("")
	w("--%s--", p.boundary)
	return []byte(b.String())
}

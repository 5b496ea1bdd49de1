package smtp

import (
	"fmt"
	"strings"
	"time"

	"mailsim/servers/env"
)

// warnDelayed tells the sender of j, once, that it is still queued after
// WarnAfter and will be retried until its lifetime ends: a delay
// notification (RFC 3464 Action: delayed), as Postfix sends after
// delay_warning_time. The recipients keep their queue entry.
func (s *Server) warnDelayed(j *job, waiting []failure) {
	if j.from == "" {
		return // nobody to tell about a bounce (RFC 3464 §2)
	}
	sender, err := parseAddress(j.from)
	if err != nil {
		return
	}
	now := s.env.Now()
	s.mu.Lock()
	nid := s.newID()
	boundary := fmt.Sprintf("%s.%s/%s", nid, s.randHex(8), s.cfg.Hostname)
	msgID := fmt.Sprintf("<%s.%s@%s>", now.Format("20060102150405"), s.randHex(12), s.cfg.Hostname)
	s.mu.Unlock()
	until := j.created.Add(s.cfg.Lifetime)
	dsn := s.buildDSN(dsnParts{
		id: nid, to: sender.String(), boundary: boundary, msgID: msgID, now: now,
		arrival: j.created, failed: waiting, msg: j.data,
		delayed: true, warned: s.cfg.WarnAfter, life: s.cfg.Lifetime, until: until,
	})
	rcpts := make([]string, len(waiting))
	why := make([]string, len(waiting))
	for i, f := range waiting {
		rcpts[i] = f.rcpt.String()
		why[i] = "<" + f.rcpt.String() + ">: " + f.err.Error()
	}
	s.env.Logf("delay warning %s for %s to %s", nid, j.id, sender)
	s.cfg.Track.Report(env.Step{Kind: env.StepDelayed, QueueID: j.id, Rcpts: rcpts, Reply: waiting[0].err.Status,
		Detail: strings.Join(why, "; "), Bounce: msgID, BounceQueueID: nid, To: sender.String(), Retry: until.Sub(now)})
	if err := s.route(nid, "", []address{sender}, dsn, now); err != nil {
		s.env.Logf("dropped delay warning %s of %s: %v", nid, j.id, err)
	}
}

// postfixAge writes a duration as Postfix's notices do: "4 hour(s)",
// "5 day(s)", "30 minute(s)".
func postfixAge(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d day(s)", d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%d hour(s)", d/time.Hour)
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d minute(s)", d/time.Minute)
	}
	return fmt.Sprintf("%d second(s)", d/time.Second)
}

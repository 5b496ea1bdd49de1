package smtp

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"mailsim/servers/env"
)

// lmtpDest is the queue destination of local mail bound for the LMTP host.
const lmtpDest = "[lmtp]"

// job is one message's recipients at one destination, as Postfix
// groups them: a remote domain, or the LMTP host.
type job struct {
	id       string
	from     string
	dest     string
	rcpts    []address
	data     []byte
	created  time.Time
	attempts int
	next     time.Time
	lastErr  string
	warned   bool // the sender has had its delay warning
}

func (j *job) key() string { return j.id + " " + j.dest }

// failure is one recipient that could not be delivered, and why.
type failure struct {
	rcpt address
	err  *DeliveryError
}

// QueuedMessage is a queue entry as the inspector panel shows it.
type QueuedMessage struct {
	ID          string    // queue id, as in the Received header
	From        string    // envelope sender, "" for a bounce
	Rcpts       []string  // recipients still waiting
	Destination string    // recipient domain, or "[lmtp]" for the POP3 host
	Attempts    int       // delivery attempts made so far
	Created     time.Time // when the message was accepted
	NextAttempt time.Time // zero while an attempt is running
	LastError   string    // why the last attempt failed
	Data        []byte    // the message as queued (do not modify)
}

// Queue lists the messages waiting for delivery, sorted by id and
// destination.
func (s *Server) Queue() []QueuedMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]QueuedMessage, 0, len(s.queue))
	for _, j := range s.queue {
		q := QueuedMessage{ID: j.id, From: j.from, Destination: j.dest, Attempts: j.attempts,
			Created: j.created, NextAttempt: j.next, LastError: j.lastErr, Data: j.data}
		for _, r := range j.rcpts {
			q.Rcpts = append(q.Rcpts, r.String())
		}
		out = append(out, q)
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].ID != out[b].ID {
			return out[a].ID < out[b].ID
		}
		return out[a].Destination < out[b].Destination
	})
	return out
}

// enqueue records j and starts its delivery goroutine.
func (s *Server) enqueue(j *job) {
	s.mu.Lock()
	s.queue[j.key()] = j
	s.ids[j.id]++
	s.mu.Unlock()
	s.attemptAfter(j, 0)
}

// attemptAfter makes j's next attempt after d, in a goroutine of its
// own. A job waiting to be retried has none: a sleeping goroutine kept a
// stack of several KB for every queued message.
func (s *Server) attemptAfter(j *job, d time.Duration) {
	s.env.GoAfter(d, "smtp-queue "+j.key(), func() {
		// Counted only once running (a closed simulation never starts
		// it), and never after Close, which waits for the count.
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		s.jobs.Add(1)
		s.mu.Unlock()
		defer s.jobs.Done()
		s.run(j)
	})
}

// run makes one attempt to deliver j and, while recipients are left and
// the lifetime is not over, sets the next one with backoff in virtual
// time.
func (s *Server) run(j *job) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	j.attempts++
	j.next = time.Time{}
	s.mu.Unlock()
	if j.attempts > 1 {
		s.cfg.Track.Report(env.Step{Kind: env.StepRetry, QueueID: j.id, To: j.dest, Rcpts: addrStrings(j.rcpts),
			Detail: fmt.Sprintf("attempt %d", j.attempts)})
	}

	var errs []*DeliveryError
	if j.dest == lmtpDest {
		errs = s.attemptLMTP(j)
	} else {
		errs = s.attemptRemote(j)
	}

	now := s.env.Now()
	expired := !now.Before(j.created.Add(s.cfg.Lifetime))
	var failed, still []failure
	var waiting []address
	var lastErr *DeliveryError
	for i, e := range errs {
		switch {
		case e == nil:
		case e.Temporary() && !expired:
			waiting = append(waiting, j.rcpts[i])
			still = append(still, failure{j.rcpts[i], e})
			lastErr = e
		default:
			failed = append(failed, failure{j.rcpts[i], e})
		}
	}
	if len(failed) > 0 {
		giveUp := ""
		if expired {
			giveUp = fmt.Sprintf("message could not be delivered for %s", postfixAge(s.cfg.Lifetime))
		}
		s.bounce(j.id, j.from, failed, j.data, j.created, giveUp)
	}
	if len(waiting) == 0 {
		s.mu.Lock()
		delete(s.queue, j.key())
		if s.ids[j.id]--; s.ids[j.id] == 0 {
			delete(s.ids, j.id)
		}
		s.mu.Unlock()
		return
	}

	if w := s.cfg.WarnAfter; w > 0 && !j.warned && !now.Before(j.created.Add(w)) {
		j.warned = true
		s.warnDelayed(j, still)
	}
	delay := s.backoff(j.attempts)
	if rest := j.created.Add(s.cfg.Lifetime).Sub(now); delay > rest {
		delay = rest // one last try when the lifetime ends
	}
	if rest := j.created.Add(s.cfg.WarnAfter).Sub(now); s.cfg.WarnAfter > 0 && !j.warned && rest > 0 && delay > rest {
		delay = rest // a try when the delay warning is due
	}
	s.mu.Lock()
	j.rcpts = waiting
	j.lastErr = lastErr.Error()
	j.next = now.Add(delay)
	s.mu.Unlock()
	s.env.Logf("deferred %s: %s; retry in %s", j.id, lastErr.Error(), fmtDuration(delay))
	s.cfg.Track.Report(env.Step{Kind: env.StepDeferred, QueueID: j.id, To: j.dest, Rcpts: addrStrings(waiting),
		Reply: lastErr.Reply, Detail: lastErr.Error(), Retry: delay})
	s.attemptAfter(j, delay)
}

func addrStrings(as []address) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.String()
	}
	return out
}

// backoff is the wait after the n-th failed attempt: RetryInitial
// doubled each time, capped at RetryMax.
func (s *Server) backoff(n int) time.Duration {
	d := s.cfg.RetryInitial
	for i := 1; i < n && d < s.cfg.RetryMax; i++ {
		d *= 2
	}
	return min(d, s.cfg.RetryMax)
}

// fmtDuration writes durations as people do: "2m", "1h30m", "45s".
func fmtDuration(d time.Duration) string {
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

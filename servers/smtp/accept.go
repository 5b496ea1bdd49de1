package smtp

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"mailsim/servers/env"
	"mailsim/servers/store"
)

// inbound is an envelope that passed the session's policy checks.
type inbound struct {
	helo  string
	ip    netip.Addr
	with  string // Received "with" protocol: ESMTP, ESMTPA
	proto string // the service it came in on: "smtp" or "submission"
	from  string
	rcpts []address
}

// accept stamps a message and routes it. It returns the 250 reply
// (queuedAs) only when every recipient's copy is in a mailbox or in the
// queue, and a failure reply otherwise.
func (s *Server) accept(in inbound, raw []byte) error {
	header, body := splitMessage(toCRLF(raw))
	if countFields(header, "Received") >= DefaultMaxHops {
		s.env.Logf("rejected message from %s: too many hops", in.ip)
		return errTooManyHops
	}
	now := s.env.Now()

	s.mu.Lock()
	id := s.newID()
	var bottom strings.Builder
	// RFC 5322 §3.6: Date is required and Message-ID should be there; a
	// submission server adds what the client left out.
	if countFields(header, "Message-ID") == 0 {
		fmt.Fprintf(&bottom, "Message-ID: <%s.%s@%s>\r\n", now.Format("20060102150405"), s.randHex(12), s.cfg.Hostname)
	}
	s.mu.Unlock()
	if countFields(header, "Date") == 0 {
		fmt.Fprintf(&bottom, "Date: %s\r\n", formatDate(now))
	}
	ip := "unknown"
	if in.ip.IsValid() {
		ip = in.ip.String()
	}
	top := receivedField(in.helo, ip, s.cfg.Hostname, in.with, id, now)
	msg := joinMessage(top, header, bottom.String(), body)

	names := make([]string, len(in.rcpts))
	for i, r := range in.rcpts {
		names[i] = r.String()
	}
	s.env.Logf("accepted %s from %s for %s", id, displayFrom(in.from), strings.Join(names, ", "))
	newHeader, _ := splitMessage(msg)
	s.cfg.Track.Report(env.Step{Kind: env.StepAccepted, MessageID: fieldValue(newHeader, "Message-ID"), QueueID: id,
		From: ip, To: s.cfg.Hostname, Proto: in.proto, Reply: wireText(queuedAs(id)), Rcpts: names, Sender: in.from,
		Subject: fieldValue(newHeader, "Subject")})
	if err := s.route(id, in.from, in.rcpts, msg, now); err != nil {
		return err
	}
	return queuedAs(id) // a 250: go-smtp writes it as it is
}

// route delivers msg to recipients in the store at once and queues the
// rest, one queue entry per destination domain (or one for the LMTP
// host). Store failures become bounces, so nothing is dropped silently.
func (s *Server) route(id, from string, rcpts []address, msg []byte, now time.Time) error {
	groups := map[string][]address{}
	var failed []failure
	var final []byte // the stored copy, made once and shared by the local recipients
	for _, r := range rcpts {
		if !s.isLocalDomain(r.Domain) {
			groups[r.Domain] = append(groups[r.Domain], r)
			continue
		}
		if s.cfg.LMTPAddr != "" {
			groups[lmtpDest] = append(groups[lmtpDest], r)
			continue
		}
		box, ok := s.mailbox(r)
		if !ok {
			failed = append(failed, failure{r, &DeliveryError{Status: "5.1.1", Text: "unknown user: " + r.String()}})
			continue
		}
		if final == nil {
			final = finalCopy(from, msg)
		}
		if _, err := s.cfg.Store.Deliver(box, final, now); err != nil {
			if errors.Is(err, store.ErrQuota) {
				failed = append(failed, failure{r, quotaFailure(r)})
				continue
			}
			if !errors.Is(err, store.ErrNoUser) {
				return errStoreFailed
			}
			failed = append(failed, failure{r, &DeliveryError{Status: "5.1.1", Text: "unknown user: " + box, Err: err}})
			continue
		}
		s.env.Logf("delivered %s to mailbox %s", id, box)
	}
	dests := make([]string, 0, len(groups))
	for d := range groups {
		dests = append(dests, d)
	}
	sort.Strings(dests)
	for _, d := range dests {
		s.enqueue(&job{id: id, from: from, dest: d, rcpts: groups[d], data: msg, created: now})
	}
	if len(failed) > 0 {
		s.bounce(id, from, failed, msg, now, "")
	}
	return nil
}

// finalCopy is the message as it lands in a mailbox: with the
// Return-Path trace field the final delivery adds (RFC 5321 §4.4) in
// place of any that came with it.
func finalCopy(from string, msg []byte) []byte {
	header, body := splitMessage(msg)
	return joinMessage("Return-Path: <"+from+">\r\n", stripReturnPath(header), "", body)
}

// displayFrom shows the null reverse-path readably in notes.
func displayFrom(from string) string {
	if from == "" {
		return "<>"
	}
	return from
}

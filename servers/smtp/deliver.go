package smtp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	gosmtp "github.com/emersion/go-smtp"

	"mailsim/servers/env"
)

// all gives every recipient of j the same result.
func all(j *job, e *DeliveryError) []*DeliveryError {
	out := make([]*DeliveryError, len(j.rcpts))
	for i := range out {
		out[i] = e
	}
	return out
}

// mxHosts finds where mail for domain goes: its MX hosts in preference
// order, or the domain itself when it has no MX (RFC 5321 §5.1).
func (s *Server) mxHosts(j *job) ([]string, *DeliveryError) {
	hosts, answer, derr := s.lookupMX(j.dest)
	st := env.Step{Kind: env.StepMX, QueueID: j.id, Proto: "dns", Detail: j.dest, Reply: answer}
	if derr != nil {
		st.Reply = derr.Error()
	}
	s.cfg.Track.Report(st)
	return hosts, derr
}

// lookupMX is mxHosts' lookup, with the answer in words ("MX 10
// smtp.comentum.com", "no MX: using comentum.com itself").
func (s *Server) lookupMX(domain string) ([]string, string, *DeliveryError) {
	s.env.Logf("looking up MX %s", domain)
	mxs, err := s.cfg.Resolver.LookupMX(context.Background(), domain)
	switch {
	case err != nil && !isNotFound(err):
		return nil, "", &DeliveryError{Status: "4.4.3", Err: err,
			Text: fmt.Sprintf("Host or domain name not found. Name service error for name=%s type=MX: %s", domain, dnsErrText(err))}
	case err == nil && isNullMX(mxs):
		// RFC 7505 §4.3: the domain says it takes no mail.
		return nil, "", &DeliveryError{Status: "5.1.10", Text: fmt.Sprintf("Domain %s does not accept mail (null MX)", domain)}
	case err != nil || len(mxs) == 0:
		return []string{domain}, "no MX record: the domain's own address", nil
	}
	sorted := append([]*net.MX(nil), mxs...)
	// Equal preferences keep the resolver's order, so runs stay repeatable.
	sort.SliceStable(sorted, func(a, b int) bool { return sorted[a].Pref < sorted[b].Pref })
	hosts := make([]string, len(sorted))
	prefs := make([]uint16, len(sorted))
	answer := make([]string, len(sorted))
	for i, mx := range sorted {
		hosts[i], prefs[i] = trimDot(mx.Host), mx.Pref
		answer[i] = fmt.Sprintf("MX %d %s", mx.Pref, hosts[i])
	}
	words := strings.Join(answer, ", ")
	hosts, self := s.pruneSelf(hosts, prefs)
	if self && len(hosts) == 0 {
		// Postfix: "mail for shop.com loops back to myself".
		return nil, words, &DeliveryError{Status: "5.4.6", Text: fmt.Sprintf("mail for %s loops back to myself", domain)}
	}
	if self {
		words += " (only better ones than this server)"
	}
	return hosts, words, nil
}

// attemptRemote makes one delivery attempt of j to its domain's mail
// exchangers, trying each in turn until one gives an answer about the
// recipients. The result has one entry per recipient, nil if delivered.
func (s *Server) attemptRemote(j *job) []*DeliveryError {
	hosts, derr := s.mxHosts(j)
	if derr != nil {
		return all(j, derr)
	}
	var last *DeliveryError
	for _, host := range hosts {
		if strings.EqualFold(host, s.cfg.Hostname) {
			// Postfix's words; relaying to ourselves would only come back.
			if last == nil {
				last = &DeliveryError{Status: "5.4.6", Text: fmt.Sprintf("mail for %s loops back to myself", j.dest)}
			}
			continue
		}
		ips, err := s.cfg.Resolver.LookupHost(context.Background(), host)
		if err != nil {
			last = &DeliveryError{Status: "4.4.3", Err: err,
				Text: fmt.Sprintf("Host or domain name not found. Name service error for name=%s type=A: %s", host, dnsErrText(err))}
			if isNotFound(err) && len(hosts) == 1 && host == j.dest {
				// No MX and no address: the domain has no mail service.
				last.Status = "5.1.2"
			}
			continue
		}
		for _, ip := range ips {
			addr := net.JoinHostPort(ip, strconv.Itoa(s.cfg.RemotePort))
			conn, err := s.env.Dial(context.Background(), "tcp", addr)
			if err != nil {
				last = &DeliveryError{Status: "4.4.1", Err: err,
					Text: fmt.Sprintf("connect to %s[%s]:%d: %s", host, ip, s.cfg.RemotePort, netErrText(err))}
				continue
			}
			res, tryNext := s.transact(newClient(s.env, conn, false), host, j)
			if !tryNext {
				return res
			}
			last = res[0]
		}
	}
	if last == nil {
		last = &DeliveryError{Status: "4.4.4", Text: "no usable address for " + j.dest}
	}
	return all(j, last)
}

// transact delivers j over c. tryNext is set when the server failed
// before taking a position on the recipients (a 4xx greeting or MAIL
// reply, a broken connection), so the next MX should be tried. A server
// that takes only so many recipients per transaction (452 4.5.3) gets
// the rest in further transactions on the same connection, as RFC 5321
// §4.5.3.1.10 asks of a client.
func (s *Server) transact(c *gosmtp.Client, host string, j *job) (res []*DeliveryError, tryNext bool) {
	defer c.Close()
	res = make([]*DeliveryError, len(j.rcpts))
	// failRest gives every recipient from index from on the same result.
	failRest := func(from int, command string, err error) bool {
		e := transferError(host, command, err)
		for i := from; i < len(res); i++ {
			if res[i] == nil {
				res[i] = e
			}
		}
		return e.Temporary()
	}
	if err := c.Hello(s.cfg.Hostname); err != nil {
		return res, failRest(0, "EHLO", err)
	}
	for next := 0; next < len(j.rcpts); {
		if err := c.Mail(j.from, &gosmtp.MailOptions{Size: int64(len(j.data))}); err != nil {
			t := failRest(next, "MAIL FROM", err)
			return res, t && next == 0
		}
		var accepted []int
		i := next
	rcpts:
		for ; i < len(j.rcpts); i++ {
			err := c.Rcpt(j.rcpts[i].String(), nil)
			var se *gosmtp.SMTPError
			switch {
			case err == nil:
				accepted = append(accepted, i)
			case errors.As(err, &se) && se.Code == 452 && len(accepted) > 0:
				s.env.Logf("%s takes no more recipients in this transaction: %d %s", host, se.Code, se.Message)
				break rcpts // the rest go in the next transaction
			case errors.As(err, &se):
				res[i] = fromSMTP(host, "RCPT TO", se)
			default:
				t := failRest(next, "RCPT TO", err)
				return res, t && next == 0
			}
		}
		next = i
		if len(accepted) == 0 {
			break
		}
		// Once DATA has started the next MX is not tried: a failure now
		// applies to the recipients the server accepted, and those it
		// refused keep their own RCPT replies.
		if err := s.sendData(c, host, j); err != nil {
			for _, a := range accepted {
				res[a] = err
			}
			for k := next; k < len(res); k++ {
				if res[k] == nil {
					res[k] = err // not yet tried: they share the failure
				}
			}
			return res, false
		}
	}
	c.Quit()
	return res, false
}

// sendData sends j's message after the recipients were accepted.
func (s *Server) sendData(c *gosmtp.Client, host string, j *job) *DeliveryError {
	fail := func(command string, err error) *DeliveryError { return transferError(host, command, err) }
	w, err := c.Data()
	if err != nil {
		return fail("DATA", err)
	}
	if _, err := w.Write(j.data); err != nil {
		return fail("end of DATA", err)
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return fail("end of DATA", err)
	}
	s.env.Logf("relayed %s to %s: 250 %s", j.id, host, resp.StatusText)
	return nil
}

// dnsErrText is a resolver error as the end of a note, Postfix style: the
// resolver's own words without Go's "lookup name on server:" prefix
// (the note names the query already). A reason that ends in a colon
// with nothing after it gets the wrapped cause, or loses the colon.
func dnsErrText(err error) string {
	var de *net.DNSError
	if !errors.As(err, &de) {
		return err.Error()
	}
	text := strings.TrimSpace(de.Err)
	if dangling := strings.HasSuffix(text, ":"); dangling || text == "" {
		text = strings.TrimSpace(strings.TrimSuffix(text, ":"))
		if cause := de.Unwrap(); cause != nil {
			if text == "" {
				return cause.Error()
			}
			return text + " (" + cause.Error() + ")"
		}
		if text == "" {
			return "lookup failed"
		}
	}
	return text
}

// netErrText is a network error without Go's "dial tcp a:b:" prefix.
func netErrText(err error) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	return err.Error()
}

// transferError is what err, met sending command to host, means for the
// message: the server's reply, or a connection lost (4.4.2, retried).
func transferError(host, command string, err error) *DeliveryError {
	var se *gosmtp.SMTPError
	if errors.As(err, &se) {
		return fromSMTP(host, command, se)
	}
	return &DeliveryError{Status: "4.4.2", RemoteMTA: host, Err: err,
		Text: fmt.Sprintf("lost connection with %s while sending %s: %s", host, command, netErrText(err))}
}

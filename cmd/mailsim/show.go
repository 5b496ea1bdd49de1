package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"
	"text/tabwriter"
	"time"

	"mailsim/servers/world"
	"mailsim/sim"
)

const showDetail = `
Run a scenario up to a virtual time (--at, default: the end of the run)
and show what is there, without a window:

  --mailbox ADDR   the messages waiting in a mailbox (bob@comentum.com)
  --message ID     one message (M1) as it is stored at that time, whole:
                   headers with the Received chain, body; a bounce's text
  --queue HOST     the SMTP server's queue on HOST (smtp.otherisp.com)
  --dns HOST       the zones a DNS server is authoritative for, and its
                   resolver's cache (ns.otherisp.com)
  --journey ID     one message's journey: every step so far

Message ids (M1, M2…) are those of mailsim run's story. Several of these
flags may be given; each prints its own section.

SCENARIO is a YAML file, or a library scenario by name; default: the
library's default. DURATION is like 20s, 1m30s, 2h or 1d.

example:
  mailsim show figure-b --mailbox bob@comentum.com --at 20s
  mailsim show unknown-recipient --message M2`

func (c *cli) showCommand() *command {
	return &command{
		name: "show", args: "[SCENARIO] [--at DURATION] --mailbox ADDR|--message ID|--queue HOST|--dns HOST|--journey ID",
		summary: "inspect a run at a virtual time: a mailbox, a message, a queue, DNS",
		detail:  showDetail,
		flags: func(fs *flag.FlagSet) func([]string) int {
			var at durationFlag
			fs.Var(&at, "at", "look at virtual time `DURATION` (default: the end of the run)")
			mailbox := fs.String("mailbox", "", "list the mailbox of `ADDR`")
			message := fs.String("message", "", "print message `ID` (M1) as stored then")
			queue := fs.String("queue", "", "list the SMTP queue of `HOST`")
			dnsHost := fs.String("dns", "", "list the zones and resolver cache of `HOST`")
			journey := fs.String("journey", "", "print the journey of message `ID`")
			var seed seedFlag
			fs.Var(&seed, "seed", "seed of the run's random numbers `N` (default: the scenario's seed:)")
			return func(args []string) int {
				if len(args) > 1 {
					fmt.Fprintf(c.stderr, "mailsim show: one scenario at a time (got %d)\n", len(args))
					return exitUsage
				}
				if *mailbox == "" && *message == "" && *queue == "" && *dnsHost == "" && *journey == "" {
					fmt.Fprintf(c.stderr, "mailsim show: say what to show: --mailbox, --message, --queue, --dns or --journey (see mailsim help show)\n")
					return exitUsage
				}
				arg := ""
				if len(args) == 1 {
					arg = args[0]
				}
				return c.show(arg, at.d, seed.v, showWhat{*mailbox, *message, *queue, *dnsHost, *journey})
			}
		},
	}
}

type showWhat struct{ mailbox, message, queue, dns, journey string }

func (c *cli) show(arg string, at time.Duration, seed *int64, what showWhat) int {
	sc, _, err := loadArg(arg)
	if err != nil {
		printLoadError(c.stderr, "", err)
		return exitUsage
	}
	rt, err := world.Build(sc, world.Options{Seed: seed})
	if err != nil {
		printLoadError(c.stderr, "", err)
		return exitUsage
	}
	if at == 0 {
		at = rt.Until
	}
	if err := rt.RunUntil(at); err != nil {
		fmt.Fprintf(c.stderr, "mailsim show: simulation failed: %v\n", oneLine(err))
		return exitSim
	}
	var out bytes.Buffer
	s := &shower{rt: rt, w: &out, at: at}
	fmt.Fprintf(&out, "at %s:\n", sim.HumanTime(at))
	var errs []string
	for _, part := range []struct {
		v  string
		fn func(string) error
	}{{what.mailbox, s.mailbox}, {what.message, s.message}, {what.queue, s.queue}, {what.dns, s.dns}, {what.journey, s.journey}} {
		if part.v == "" {
			continue
		}
		if err := part.fn(part.v); err != nil {
			errs = append(errs, err.Error())
		}
	}
	for _, e := range errs {
		fmt.Fprintf(c.stderr, "mailsim show: %s\n", e)
	}
	if len(errs) > 0 {
		return exitUsage
	}
	c.stdout.Write(out.Bytes())
	return exitOK
}

// shower prints the parts of mailsim show from a world stopped at at.
type shower struct {
	rt *world.Runtime
	w  io.Writer
	at time.Duration
}

// idOf names a message by its journey, or "?" if the run did not write it.
func (s *shower) idOf(data []byte) string {
	if m, err := mail.ReadMessage(bytes.NewReader(data)); err == nil {
		if id := s.rt.JourneyOf(strings.TrimSpace(m.Header.Get("Message-ID")), "", ""); id != "" {
			return id
		}
	}
	return "?"
}

func (s *shower) mailbox(addr string) error {
	isp, login, ok := s.rt.Scenario.Mailbox(addr)
	if !ok {
		return fmt.Errorf("--mailbox: no mailbox %s in this scenario", addr)
	}
	msgs := s.rt.Store(isp).Messages(login)
	fmt.Fprintf(s.w, "\nmailbox %s (%s on %s): %s\n", addr, login, isp, plural(len(msgs), "message"))
	tw := tabwriter.NewWriter(s.w, 0, 0, 2, ' ', 0)
	if len(msgs) > 0 {
		fmt.Fprintf(tw, "  #\tid\tstored\tfrom\tsubject\tsize\n")
	}
	epoch := s.rt.World.Epoch()
	for i, m := range msgs {
		subject, from := headerOf(m.Data)
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%q\t%d bytes\n", i+1, s.idOf(m.Data), sim.HumanTime(m.Delivered.Sub(epoch)), from, subject, m.Size())
	}
	return tw.Flush()
}

func headerOf(data []byte) (subject, from string) {
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return "", ""
	}
	subject = m.Header.Get("Subject")
	if s, err := new(mime.WordDecoder).DecodeHeader(subject); err == nil {
		subject = s
	}
	return subject, m.Header.Get("From")
}

// findJourney looks a message id up.
func (s *shower) findJourney(id string) (*world.Journey, error) {
	js := s.rt.Journeys()
	for i := range js {
		if strings.EqualFold(js[i].ID, id) {
			return &js[i], nil
		}
	}
	return nil, fmt.Errorf("no message %s by %s (the run has %s)", id, sim.HumanTime(s.at), plural(len(js), "message"))
}

func (s *shower) message(id string) error {
	j, err := s.findJourney(id)
	if err != nil {
		return fmt.Errorf("--message: %w", err)
	}
	where, data := s.locate(j.MessageID)
	if data == nil {
		fmt.Fprintf(s.w, "\nmessage %s is in no mailbox, queue or mail program at %s; its journey:\n", j.ID, sim.HumanTime(s.at))
		return s.journey(id)
	}
	fmt.Fprintf(s.w, "\nmessage %s, %s:\n\n", j.ID, where)
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	fmt.Fprint(s.w, text)
	if !strings.HasSuffix(text, "\n") {
		fmt.Fprintln(s.w)
	}
	return nil
}

// locate finds a message by Message-ID: in a mailbox, in an SMTP queue,
// or downloaded to a PC, in that order.
func (s *shower) locate(msgID string) (string, []byte) {
	rt := s.rt
	match := func(data []byte) bool {
		m, err := mail.ReadMessage(bytes.NewReader(data))
		return err == nil && strings.TrimSpace(m.Header.Get("Message-ID")) == msgID
	}
	for _, isp := range rt.Scenario.ISPs {
		st := rt.Store(isp.Name)
		for _, u := range st.Users() {
			for _, m := range st.Messages(u) {
				if match(m.Data) {
					return fmt.Sprintf("in %s's mailbox at %s", u, isp.Name), m.Data
				}
			}
		}
	}
	for _, h := range rt.Scenario.Hosts {
		for _, q := range rt.SMTPQueue(h.Name) {
			if match(q.Data) {
				return fmt.Sprintf("in the queue of %s (queue id %s)", h.Name, q.ID), q.Data
			}
		}
	}
	for _, pc := range rt.Scenario.PCs {
		if p := rt.Program(pc.Host); p != nil {
			for _, d := range p.Inbox() {
				if d.MessageID == msgID {
					return "downloaded to " + pc.Host, d.Data
				}
			}
		}
	}
	return "", nil
}

func (s *shower) queue(host string) error {
	if s.rt.Scenario.Host(host) == nil {
		return fmt.Errorf("--queue: no host %s in this scenario", host)
	}
	q := s.rt.SMTPQueue(host)
	fmt.Fprintf(s.w, "\nqueue of %s: %s\n", host, plural(len(q), "message"))
	tw := tabwriter.NewWriter(s.w, 0, 0, 2, ' ', 0)
	if len(q) > 0 {
		fmt.Fprintf(tw, "  queue id\tid\tfrom\tto\tattempts\tnext attempt\tlast error\n")
	}
	epoch := s.rt.World.Epoch()
	for _, m := range q {
		next := "now"
		if !m.NextAttempt.IsZero() {
			next = sim.HumanTime(m.NextAttempt.Sub(epoch))
		}
		from := m.From
		if from == "" {
			from = "<>"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%d\t%s\t%s\n", m.ID, s.rt.JourneyOf("", host, m.ID), from, strings.Join(m.Rcpts, ", "), m.Attempts, next, m.LastError)
	}
	return tw.Flush()
}

func (s *shower) dns(host string) error {
	if s.rt.Scenario.Host(host) == nil {
		return fmt.Errorf("--dns: no host %s in this scenario", host)
	}
	recs, cache := s.rt.DNSRecords(host), s.rt.DNSCache(host)
	fmt.Fprintf(s.w, "\nDNS on %s: %s it is authoritative for\n", host, plural(len(recs), "record"))
	for _, r := range recs {
		fmt.Fprintf(s.w, "  %s\n", r)
	}
	fmt.Fprintf(s.w, "resolver cache: %d %s\n", len(cache), pluralWord(len(cache), "entry", "entries"))
	for _, e := range cache {
		fmt.Fprintf(s.w, "  %s %s (%s, %s left)\n", e.Name, e.Type, e.Kind, sim.HumanTime(e.TTL))
		for _, r := range e.Records {
			fmt.Fprintf(s.w, "    %s\n", r)
		}
	}
	return nil
}

func (s *shower) journey(id string) error {
	j, err := s.findJourney(id)
	if err != nil {
		return fmt.Errorf("--journey: %w", err)
	}
	what := fmt.Sprintf("%q from %s to %s", j.Subject, j.From, strings.Join(j.To, ", "))
	if j.Parent != "" {
		what = fmt.Sprintf("the bounce of %s, to %s", j.Parent, strings.Join(j.To, ", "))
	}
	fmt.Fprintf(s.w, "\njourney of %s, %s (Message-ID %s):\n", j.ID, what, j.MessageID)
	for _, st := range j.Steps {
		where := st.Host
		if st.From != "" && st.To != "" {
			where = st.From + " → " + st.To
			if st.Port != 0 {
				where += fmt.Sprintf(":%d", st.Port)
			}
		}
		fmt.Fprintf(s.w, "%3d  %-10s  %-42s  %-4s  %s\n", st.N, sim.HumanTime(st.At), where, strings.ToUpper(st.Proto), st.Text)
	}
	if j.Bounce != "" {
		fmt.Fprintf(s.w, "it bounced: see %s\n", j.Bounce)
	}
	return nil
}

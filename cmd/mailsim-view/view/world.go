package view

// This file is the one seam to servers/world: everything else in the
// window sees only the Runner interface.

import (
	"bufio"
	"bytes"
	"fmt"
	"net/textproto"
	"strings"
	"time"

	"mailsim/servers/world"
	"mailsim/sim"
	"mailsim/sim/scenario"
)

// WorldBuilder returns a BuildFunc that makes a fresh world.Runtime of sc
// each time it is called.
func WorldBuilder(sc *scenario.Scenario, opts world.Options) BuildFunc {
	return func() (Runner, error) {
		rt, err := world.Build(sc, opts)
		if err != nil {
			return nil, err
		}
		return &runtime{rt}, nil
	}
}

// runtime adapts *world.Runtime to Runner.
type runtime struct{ rt *world.Runtime }

var _ Runner = (*runtime)(nil)

func (r *runtime) World() *sim.World              { return r.rt.World }
func (r *runtime) RunUntil(t time.Duration) error { return r.rt.RunUntil(t) }
func (r *runtime) Step() (bool, error)            { return r.rt.Step() }
func (r *runtime) Until() time.Duration           { return r.rt.Until }
func (r *runtime) Runtime() *world.Runtime        { return r.rt }
func (r *runtime) Inspect(host string) []string   { return inspect(r.rt, host) }
func (r *runtime) Close() error                   { return r.rt.Close() }

func (r *runtime) Journeys() []Journey {
	var out []Journey
	for _, j := range r.rt.Journeys() {
		x := Journey{ID: j.ID, Subject: j.Subject, From: j.From, To: j.To, Parent: j.Parent}
		for _, s := range j.Steps {
			x.Steps = append(x.Steps, LetterStep{At: s.At, Kind: s.Kind, Host: s.Host, From: s.From, To: s.To, Detail: s.Detail, Text: s.Text})
		}
		out = append(out, x)
	}
	return out
}

func (r *runtime) Results() []Result {
	var out []Result
	for _, x := range r.rt.Results() {
		out = append(out, Result{What: world.Describe(x.Expect), OK: x.OK, Detail: x.Detail})
	}
	return out
}

// inspect lists what a host holds now: mailboxes on a POP3 server, the
// downloaded mail on a PC, the zone on a DNS server.
func inspect(rt *world.Runtime, name string) []string {
	sc := rt.Scenario
	h := sc.Host(name)
	if h == nil {
		return []string{name + ": unknown host"}
	}
	out := []string{fmt.Sprintf("%s  (%s, %s)", h.Name, h.Kind, h.Addr)}
	if h.ISP != "" {
		out = append(out, "ISP: "+h.ISP)
	}
	if len(h.Services) > 0 {
		var s []string
		for _, x := range h.Services {
			s = append(s, string(x))
		}
		out = append(out, "runs: "+strings.Join(s, ", "))
	}
	if pc := sc.PC(name); pc != nil {
		if pc.User != "" {
			out = append(out, "mail program of "+pc.User, "sends via "+pc.SMTP+", fetches from "+pc.POP3)
		}
		if p := rt.Program(name); p != nil {
			in := p.Inbox()
			out = append(out, fmt.Sprintf("downloaded: %d message(s)", len(in)))
			for _, d := range in {
				out = append(out, fmt.Sprintf("  %q from %s", d.Subject, d.From))
			}
		}
	}
	if h.ISP != "" {
		isp := sc.ISP(h.ISP)
		if isp != nil && isp.Server(scenario.POP3) == name {
			if st := rt.Store(h.ISP); st != nil {
				for _, u := range st.Users() {
					msgs := st.Messages(u)
					out = append(out, fmt.Sprintf("mailbox %s: %d message(s)", u, len(msgs)))
					for _, m := range msgs {
						out = append(out, fmt.Sprintf("  %q", subject(m.Data)))
					}
				}
			}
		}
		if isp != nil && isp.Server(scenario.SMTP) == name {
			q := rt.SMTPQueue(name)
			out = append(out, fmt.Sprintf("SMTP queue: %d message(s)", len(q)))
			for _, m := range q {
				line := fmt.Sprintf("  %s %s → %s, %d attempt(s)", m.ID, m.From, strings.Join(m.Rcpts, ","), m.Attempts)
				if m.LastError != "" {
					line += ": " + m.LastError
				}
				out = append(out, line)
			}
		}
	}
	if recs := rt.DNSRecords(name); len(recs) > 0 {
		out = append(out, "DNS records:")
		for _, r := range recs {
			out = append(out, "  "+r.String())
		}
	}
	if h.Kind != scenario.KindRoot && len(h.Services) > 0 {
		if cache := rt.DNSCache(name); cache != nil || (h.ISP != "" && sc.ISP(h.ISP) != nil && sc.ISP(h.ISP).Server(scenario.DNS) == name) {
			out = append(out, fmt.Sprintf("DNS cache: %d entr(ies)", len(cache)))
			for _, c := range cache {
				out = append(out, fmt.Sprintf("  %s %s %s (%s left)", c.Name, c.Type, c.Kind, c.TTL.Round(time.Second)))
			}
		}
	}
	return out
}

// subject reads the Subject header of a stored message.
func subject(data []byte) string {
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(data)))
	hdr, _ := tp.ReadMIMEHeader() // a broken header still yields what was read
	return hdr.Get("Subject")
}

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"mailsim/servers/world"
	"mailsim/sim"
)

// printSummary writes the table of messages that closes a run.
func printSummary(w io.Writer, msgs []world.MessageSummary) {
	if len(msgs) == 0 {
		fmt.Fprintf(w, "\nmessages: none\n")
		return
	}
	fmt.Fprintf(w, "\nmessages:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  id\tsubject\tfrom → to\tsent\tdelivered\tdownloaded\tretries\tbounced\thops\tlatency\n")
	var t totals
	for _, m := range msgs {
		t.add(m)
		from := m.From
		if from == "" {
			from = "<>"
		}
		subject := fmt.Sprintf("%q", m.Subject)
		if m.Parent != "" {
			subject = "bounce of " + m.Parent
			if m.Notice == "delay" {
				subject = "delay warning of " + m.Parent
			}
		}
		bounced := "no"
		if m.Bounce != "" {
			bounced = "yes → " + m.Bounce
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s → %s\t%s\t%s\t%s\t%d\t%s\t%d\t%s\n", m.ID, subject, from, strings.Join(m.To, ", "),
			optTime(m.Sent), optTime(m.Delivered), optTime(m.Downloaded), m.Retries, bounced, m.Hops, optTime(m.Latency))
	}
	tw.Flush()
	fmt.Fprintf(w, "  %s\n", t)
}

func optTime(d *time.Duration) string {
	if d == nil {
		return "-"
	}
	return sim.HumanTime(*d)
}

// totals sum up the table.
type totals struct {
	n, delivered, downloaded, bounced, bounces, retries int
}

func (t *totals) add(m world.MessageSummary) {
	t.n++
	if m.Parent != "" && m.Notice != "delay" {
		t.bounces++
	}
	if m.Delivered != nil {
		t.delivered++
	}
	if m.Downloaded != nil {
		t.downloaded++
	}
	if m.Bounce != "" {
		t.bounced++
	}
	t.retries += m.Retries
}

func (t totals) String() string {
	return fmt.Sprintf("%s (%s): %d delivered, %d downloaded, %d bounced, %d %s",
		plural(t.n, "message"), plural(t.bounces, "bounce"), t.delivered, t.downloaded, t.bounced, t.retries, pluralWord(t.retries, "retry", "retries"))
}

func plural(n int, word string) string { return fmt.Sprintf("%d %s", n, pluralWord(n, word, word+"s")) }

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// jsonMessage is one message in --summary json; times are virtual
// microseconds, absent when the step never happened.
type jsonMessage struct {
	ID           string   `json:"id"`
	Subject      string   `json:"subject"`
	From         string   `json:"from"`
	To           []string `json:"to"`
	BounceOf     string   `json:"bounce_of,omitempty"`
	SentUS       *int64   `json:"sent_us,omitempty"`
	DeliveredUS  *int64   `json:"delivered_us,omitempty"`
	DownloadedUS *int64   `json:"downloaded_us,omitempty"`
	Retries      int      `json:"retries"`
	Bounced      bool     `json:"bounced"`
	Bounce       string   `json:"bounce,omitempty"`
	Hops         int      `json:"hops"`
	LatencyUS    *int64   `json:"latency_us,omitempty"`
	Status       string   `json:"status"`
}

type jsonSummary struct {
	Scenario     string        `json:"scenario"`
	Passed       bool          `json:"passed"`
	SimulatedUS  int64         `json:"simulated_us"`
	Expectations []jsonResult  `json:"expectations"`
	Messages     []jsonMessage `json:"messages"`
	Totals       jsonTotals    `json:"totals"`
	// Conservation counts where every accepted copy ended (see world.Conservation).
	Conservation world.Conservation `json:"conservation"`
}

type jsonResult struct {
	Pos    string `json:"pos"`
	Expect string `json:"expect"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

type jsonTotals struct {
	Messages   int `json:"messages"`
	Bounces    int `json:"bounces"`
	Delivered  int `json:"delivered"`
	Downloaded int `json:"downloaded"`
	Bounced    int `json:"bounced"`
	Retries    int `json:"retries"`
}

func us(d *time.Duration) *int64 {
	if d == nil {
		return nil
	}
	v := d.Microseconds()
	return &v
}

// writeSummaryJSON writes the run's results and messages as one JSON
// document, for scripts.
func writeSummaryJSON(w io.Writer, o *outcome) error {
	s := jsonSummary{Scenario: o.name, Passed: o.passed(), SimulatedUS: o.until.Microseconds(),
		Expectations: []jsonResult{}, Messages: []jsonMessage{}}
	for _, r := range o.results {
		s.Expectations = append(s.Expectations, jsonResult{Pos: r.Expect.Pos.String(), Expect: world.Describe(r.Expect), OK: r.OK, Detail: r.Detail})
	}
	var t totals
	for _, m := range o.rt.Summary() {
		t.add(m)
		s.Messages = append(s.Messages, jsonMessage{ID: m.ID, Subject: m.Subject, From: m.From, To: m.To, BounceOf: m.Parent,
			SentUS: us(m.Sent), DeliveredUS: us(m.Delivered), DownloadedUS: us(m.Downloaded), Retries: m.Retries,
			Bounced: m.Bounce != "", Bounce: m.Bounce, Hops: m.Hops, LatencyUS: us(m.Latency), Status: m.Status})
	}
	s.Totals = jsonTotals{Messages: t.n, Bounces: t.bounces, Delivered: t.delivered, Downloaded: t.downloaded, Bounced: t.bounced, Retries: t.retries}
	s.Conservation = o.conserved
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"sort"
	"time"

	"gopkg.in/yaml.v3"

	"mailsim/sim/scenario"
)

// A chaos run replays a scenario with faults added to its timeline, as
// ordinary timeline actions, so a failing seed is a scenario file anyone
// can run again: link flaps (link_down, link_up), service outages (stop,
// start), DNS outages (the DNS service of an ISP stopped, then started),
// lossy and slow links (slow, a window), and mail programs that hang up
// in the middle of DATA (a send with disconnect: mid_data). Every fault
// is undone before the run ends.

// fault is one outage: its timeline actions.
type fault struct {
	at, until time.Duration
	down, up  string // flow-style YAML of the actions, without at:; up "" for one action
	key       string // what it affects, one fault at a time; "" means down
}

// cutSubject marks the messages a chaos run's mail programs cut off in
// DATA: none may be accepted.
const cutSubject = "chaos: cut off in DATA"

// chaosFaults picks the faults of one seed. It only reads sc.
func chaosFaults(sc *scenario.Scenario, seed int64) []fault {
	r := rand.New(rand.NewSource(seed))
	type svc struct{ host, service string }
	var services []svc
	for _, h := range sc.Hosts {
		for _, s := range h.Services {
			services = append(services, svc{h.Name, string(s)})
		}
	}
	var senders []scenario.PC
	for _, pc := range sc.PCs {
		if pc.User != "" && pc.SMTP != "" {
			senders = append(senders, pc)
		}
	}
	span := sc.Until * 6 / 10 // faults start in the first 60%: mail keeps moving after
	if span <= 0 {
		return nil
	}
	n := 1 + r.Intn(4)
	var out []fault
	for range n {
		at := time.Duration(r.Int63n(int64(span)))
		at = at.Truncate(time.Millisecond)
		// Outages from a blink to a few minutes, most of them short.
		d := time.Duration(float64(500*time.Millisecond) * (1 + r.ExpFloat64()*40))
		d = min(d.Truncate(time.Millisecond), sc.Until/5)
		f := fault{at: at, until: at + d}
		switch k := r.Intn(6); {
		case k == 0 && len(sc.Links) > 0:
			l := sc.Links[r.Intn(len(sc.Links))]
			f.down = fmt.Sprintf("link_down: [%s, %s]", l.A, l.B)
			f.up = fmt.Sprintf("link_up: [%s, %s]", l.A, l.B)
		case k == 3 && len(sc.Links) > 0:
			// A lossy spell: 5% to 40% of packets lost.
			l := sc.Links[r.Intn(len(sc.Links))]
			f.down = fmt.Sprintf("slow: {link: [%s, %s], for: %s, loss: %d%%}", l.A, l.B, scenario.FormatDuration(d), 5+r.Intn(36))
			f.key = "slow " + l.A + " " + l.B
		case k == 4 && len(sc.Links) > 0:
			// A slow spell: up to a second more latency, a modem's bandwidth.
			l := sc.Links[r.Intn(len(sc.Links))]
			lat := l.Latency + time.Duration(50+r.Intn(951))*time.Millisecond
			f.down = fmt.Sprintf("slow: {link: [%s, %s], for: %s, latency: %s, bandwidth: %dkbit}",
				l.A, l.B, scenario.FormatDuration(d), scenario.FormatDuration(lat), []int{9, 28, 56, 128, 512}[r.Intn(5)])
			f.key = "slow " + l.A + " " + l.B
		case k == 5 && len(senders) > 0:
			// A mail program hangs up halfway through a message.
			pc := senders[r.Intn(len(senders))]
			to := senders[r.Intn(len(senders))].User
			f.down = fmt.Sprintf("send: {host: %s, from: %s, to: %s, subject: %q, body: %q, disconnect: mid_data}",
				pc.Host, pc.User, to, cutSubject, "This message never arrives: the lid closed in the middle of sending it.")
			f.until, f.key = at, fmt.Sprintf("cut %d", len(out))
		case k == 1 && len(services) > 0:
			s := services[r.Intn(len(services))]
			f.down = fmt.Sprintf("stop: {host: %s, service: %s}", s.host, s.service)
			f.up = fmt.Sprintf("start: {host: %s, service: %s}", s.host, s.service)
		default:
			isp := sc.ISPs[r.Intn(len(sc.ISPs))]
			h := isp.Server(scenario.DNS)
			if h == "" {
				continue
			}
			f.down = fmt.Sprintf("stop: {host: %s, service: dns}", h)
			f.up = fmt.Sprintf("start: {host: %s, service: dns}", h)
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].at < out[b].at })
	return dropOverlaps(out)
}

// dropOverlaps keeps one outage at a time per target: a second stop of a
// stopped service would be undone by the first's start.
func dropOverlaps(fs []fault) []fault {
	var out []fault
	busy := map[string]time.Duration{}
	for _, f := range fs {
		k := f.key
		if k == "" {
			k = f.down
		}
		if t, ok := busy[k]; ok && f.at <= t {
			continue
		}
		busy[k] = f.until
		out = append(out, f)
	}
	return out
}

// chaosScenario is the scenario text with the faults added to its
// timeline and a header saying how it was made.
func chaosScenario(data []byte, name string, seed int64, faults []fault) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: not a YAML mapping", name)
	}
	root := doc.Content[0]
	var tl *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "timeline" {
			tl = root.Content[i+1]
		}
	}
	if tl == nil {
		tl = &yaml.Node{Kind: yaml.SequenceNode}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "timeline"}, tl)
	}
	for _, f := range faults {
		for _, a := range []struct {
			at   time.Duration
			text string
		}{{f.at, f.down}, {f.until, f.up}} {
			if a.text == "" {
				continue // a fault of one action
			}
			var n yaml.Node
			if err := yaml.Unmarshal(fmt.Appendf(nil, "{at: %s, %s}", scenario.FormatDuration(a.at), a.text), &n); err != nil {
				return nil, err
			}
			item := n.Content[0]
			item.Style = yaml.FlowStyle
			tl.Content = append(tl.Content, item)
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# mailsim chaos: %s with seed %d's faults (mailsim run this file to replay it)\n", name, seed)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

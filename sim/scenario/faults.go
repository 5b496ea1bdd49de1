package scenario

import (
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Network faults a scenario can give a link (loss:, jitter:) and the
// flap action, which takes a link down and up again repeatedly.

// linkKeys are the keys of every place that sets a link's parameters.
var linkKeys = []string{"latency", "bandwidth", "loss", "jitter"}

// linkFaults are a link's loss (percent) and jitter.
type linkFaults struct {
	loss               float64
	jitter             time.Duration
	hasLoss, hasJitter bool
}

func (f linkFaults) over(base linkFaults) linkFaults {
	if !f.hasLoss {
		f.loss, f.hasLoss = base.loss, base.hasLoss
	}
	if !f.hasJitter {
		f.jitter, f.hasJitter = base.jitter, base.hasJitter
	}
	return f
}

// readFaults reads loss: (5%, 0.5%, or 5) and jitter: (a duration).
func (d *decoder) readFaults(m map[string]*yaml.Node) linkFaults {
	var f linkFaults
	if v, ok := m["loss"]; ok {
		if s, ok := d.scalar(v, "a percentage like 5%"); ok {
			p, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
			if err != nil || p < 0 || p > 100 {
				d.errf(v, "from 0% to 100%", "expected a loss like 5%%, got %q", s)
			} else {
				f.loss, f.hasLoss = p, true
			}
		}
	}
	if v, ok := m["jitter"]; ok {
		f.jitter, f.hasJitter = d.duration(v)
	}
	return f
}

// readFlap reads {link: [a, b], down_for: 30s, every: 2m, count: 3} and
// returns its link_down/link_up pairs, the first going down at a.At.
func (nw *world) readFlap(a *Action, n *yaml.Node) []Action {
	d := nw.d
	m, ok := d.fields(n, "flap", "link", "down_for", "every", "count")
	if !ok {
		return nil
	}
	ln, has := m["link"]
	if !has {
		d.errf(n, "e.g. {link: [comentum-router, internet], down_for: 30s, every: 2m, count: 3}", "flap needs link:")
		return nil
	}
	down := Action{Kind: ActLinkDown, Pos: a.Pos}
	good := nw.readLinkAction(&down, ln)
	downFor, every, count := 30*time.Second, 2*time.Minute, int64(3)
	if v, ok := m["down_for"]; ok {
		downFor, ok = d.duration(v)
		good = good && ok
	}
	if v, ok := m["every"]; ok {
		every, ok = d.duration(v)
		good = good && ok
	}
	if v, ok := m["count"]; ok {
		count, ok = d.integer(v, "how many times", 1, 1000)
		good = good && ok
	}
	if good && every <= downFor {
		d.errf(m["every"], "every is from one going-down to the next", "every (%s) must be longer than down_for (%s)", fmtDur(every), fmtDur(downFor))
		good = false
	}
	if !good {
		return nil
	}
	var out []Action
	for i := int64(0); i < count; i++ {
		t := a.At + time.Duration(i)*every
		dn, up := down, down
		dn.At, up.At, up.Kind = t, t+downFor, ActLinkUp
		out = append(out, dn, up)
	}
	nw.times = append(nw.times, timeRef{out[len(out)-1].At, a.Pos, "the flap's last link_up"})
	return out
}

// readSlow reads {link: [a, b], for: 2m, latency: 400ms, bandwidth:
// 64kbit, loss: 5%, jitter: 50ms}: for that long the link has those
// values (its own where one is not given), then its own again.
func (nw *world) readSlow(a *Action, n *yaml.Node) bool {
	d := nw.d
	m, ok := d.fields(n, "slow", append([]string{"link", "for"}, linkKeys...)...)
	if !ok {
		return false
	}
	const eg = "e.g. {link: [comentum-router, internet], for: 2m, latency: 400ms, bandwidth: 64kbit, loss: 5%}"
	ln, has := m["link"]
	if !has {
		d.errf(n, eg, "slow needs link:")
		return false
	}
	if !nw.readLinkAction(a, ln) {
		return false
	}
	l := nw.s.Links[nw.links[pairKey(a.A, a.B)]]
	s := &LinkSlow{Latency: l.Latency, Bandwidth: l.Bandwidth, Loss: l.Loss, Jitter: l.Jitter}
	good := true
	if v, has := m["for"]; !has {
		d.errf(n, eg, "slow needs for: (how long the link is slow)")
		good = false
	} else if s.For, ok = d.duration(v); !ok {
		good = false
	} else if s.For <= 0 {
		d.errf(v, "", "slow for: must be longer than 0s")
		good = false
	}
	changed := false
	if v, has := m["latency"]; has {
		lat, ok := d.duration(v)
		switch {
		case !ok:
			good = false
		case lat < l.Latency:
			// Routes count the latency the link was built with; a slow
			// window only adds to it.
			d.errf(v, "a slow window only adds delay", "slow latency %s is below the link's own %s", fmtDur(lat), fmtDur(l.Latency))
			good = false
		default:
			s.Latency, changed = lat, true
		}
	}
	if v, has := m["bandwidth"]; has {
		bw, ok := d.bandwidth(v)
		good = good && ok
		s.Bandwidth, changed = bw, true
	}
	f := d.readFaults(m)
	if f.hasLoss {
		s.Loss, changed = f.loss, true
	}
	if f.hasJitter {
		s.Jitter, changed = f.jitter, true
	}
	_, badLoss := m["loss"]
	_, badJitter := m["jitter"]
	good = good && (f.hasLoss || !badLoss) && (f.hasJitter || !badJitter)
	if good && !changed {
		d.errf(n, eg, "slow needs at least one of latency:, bandwidth:, loss:, jitter:")
		good = false
	}
	if !good {
		return false
	}
	a.Slow = s
	nw.times = append(nw.times, timeRef{a.At + s.For, a.Pos, "the slow window's end"})
	return true
}

// checkSlowOverlaps reports two slow windows of one link that overlap:
// the end of the first would undo the second.
func (nw *world) checkSlowOverlaps(acts []Action) {
	end := map[[2]string]time.Duration{}
	for i := range acts {
		a := &acts[i]
		if a.Kind != ActSlow {
			continue
		}
		k := pairKey(a.A, a.B)
		if e, busy := end[k]; busy && a.At < e {
			nw.d.errAt(a.Pos, "one slow window per link at a time", "the link %s—%s is already slow until %s", a.A, a.B, fmtDur(e))
			continue
		}
		end[k] = a.At + a.Slow.For
	}
}

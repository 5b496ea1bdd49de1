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

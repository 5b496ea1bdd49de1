package view

import (
	"fmt"
	"io/fs"
	"mailsim/sim"
	"math"
	"strings"
	"testing"

	"mailsim/scenarios"
)

// Every library scenario is laid out so that no link runs through a node
// that is not one of its ends, and no label overlaps another label or an
// icon, or leaves the map.
func TestLayoutGeometry(t *testing.T) {
	names, err := fs.Glob(scenarios.FS, "*.yaml")
	if err != nil || len(names) == 0 {
		t.Fatal(names, err)
	}
	for _, name := range names {
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			tp := NewTopology(loadScenario(t, name))
			icon := func(n *Node) Rect {
				s := IconSize / 2
				if n.Name == "internet" {
					s *= 1.6
				}
				return Rect{n.X - s, n.Y - s, 2 * s, 2 * s}
			}
			for _, l := range tp.Links {
				a, b := &tp.Nodes[l.A], &tp.Nodes[l.B]
				for i := range tp.Nodes {
					n := &tp.Nodes[i]
					if i == l.A || i == l.B {
						continue
					}
					if d := segDist(n.X, n.Y, a.X, a.Y, b.X, b.Y); d < IconSize/2+2 {
						t.Errorf("link %s runs through %s (%.0f from its centre)", l.Name, n.Name, d)
					}
				}
			}
			var boxes []Rect
			for i := range tp.Nodes {
				boxes = append(boxes, tp.LabelBox(&tp.Nodes[i]))
			}
			b := tp.Bounds
			for i := range tp.Nodes {
				n := &tp.Nodes[i]
				lb := boxes[i]
				if lb.X < b.X || lb.Y < b.Y || lb.X+lb.W > b.X+b.W || lb.Y+lb.H > b.Y+b.H {
					t.Errorf("label of %s leaves the map", n.Name)
				}
				for j := range tp.Nodes {
					if j == i {
						continue
					}
					if j > i && lb.Overlaps(boxes[j]) {
						t.Errorf("labels of %s and %s overlap", n.Name, tp.Nodes[j].Name)
					}
					if lb.Overlaps(icon(&tp.Nodes[j])) {
						t.Errorf("label of %s covers the icon of %s", n.Name, tp.Nodes[j].Name)
					}
				}
			}
		})
	}
}

// segDist is the distance from point p to the segment ab.
func segDist(px, py, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	f := 0.0
	if l2 > 0 {
		f = math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/l2))
	}
	return math.Hypot(px-ax-f*dx, py-ay-f*dy)
}

func TestLayersAndTabs(t *testing.T) {
	m := newModel(t, "figure-b.yaml")
	var rcpt *sim.Event
	for _, e := range m.Log {
		if e.Kind == sim.KindHop && e.Hop == 1 && strings.HasPrefix(e.Summary, "RCPT TO:") {
			rcpt = e
			break
		}
	}
	ls := Layers(rcpt)
	var got []string
	for _, l := range ls {
		got = append(got, l.Name+": "+l.Text)
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{"Link: hop 1 of 2: lisa-pc → otherisp-router", "IPv4: 198.51.100.100 → 198.51.100.25, protocol 6 (TCP), TTL 64", fmt.Sprintf("TCP: port %d → 25, flags [PSH,ACK]", rcpt.Src.Port()), "SMTP: RCPT TO:<bob@comentum.com>"} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in\n%s", want, all)
		}
	}
	if got := ExpandTabs("a\tb\t\tc"); got != "a       b               c" {
		t.Errorf("ExpandTabs = %q", got)
	}
	m.Seek(m.Until())
	m.Node = "ns.comentum.com"
	for _, l := range m.Inspect() {
		if strings.Contains(l, "\t") {
			t.Errorf("tab in %q", l)
		}
	}
}

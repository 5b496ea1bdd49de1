package view

import (
	"strings"

	"mailsim/sim/scenario"
)

// Node is one host, router or server of the scenario, placed in world
// coordinates (units are pixels at zoom 1).
type Node struct {
	Name     string
	Kind     scenario.Kind
	ISP      string             // "" on the Internet side
	Services []scenario.Service // servers only
	Person   string             // "Lisa" for the PC of lisa@otherisp.com
	Short    bool               // labelled by Person alone (a crowded region)
	X, Y     float64
}

// Link is a drawn link between two nodes, by index into Topology.Nodes.
type Link struct {
	Name string // the sim's link name, "a—b"
	A, B int
}

// Region is an ISP's labelled rectangle.
type Region struct {
	ISP        string
	Domain     string
	X, Y, W, H float64
}

// Rect is an axis-aligned rectangle.
type Rect struct{ X, Y, W, H float64 }

// Contains reports whether the point lies inside r.
func (r Rect) Contains(x, y float64) bool {
	return x >= r.X && y >= r.Y && x < r.X+r.W && y < r.Y+r.H
}

// Topology is the laid-out picture of a scenario's network.
type Topology struct {
	Title   string
	Nodes   []Node
	Links   []Link
	Regions []Region
	Bounds  Rect // of every node and region, with a margin

	byName map[string]int
	byLink map[string]int
}

// NewTopology lays out sc. The result depends only on sc.
func NewTopology(sc *scenario.Scenario) *Topology {
	t := &Topology{Title: sc.Title, byName: map[string]int{}, byLink: map[string]int{}}
	persons := map[string]string{}
	for _, pc := range sc.PCs {
		if pc.User != "" {
			persons[pc.Host] = personName(pc.User)
		}
	}
	for _, h := range sc.Hosts {
		t.byName[h.Name] = len(t.Nodes)
		t.Nodes = append(t.Nodes, Node{Name: h.Name, Kind: h.Kind, ISP: h.ISP,
			Services: h.Services, Person: persons[h.Name]})
	}
	for _, l := range sc.Links {
		a, okA := t.byName[l.A]
		b, okB := t.byName[l.B]
		if !okA || !okB {
			continue
		}
		name := l.A + "—" + l.B
		t.byLink[name] = len(t.Links)
		t.Links = append(t.Links, Link{Name: name, A: a, B: b})
	}
	layout(t, sc)
	return t
}

// Node returns the named node, or nil.
func (t *Topology) Node(name string) *Node {
	if i, ok := t.byName[name]; ok {
		return &t.Nodes[i]
	}
	return nil
}

// Index is the position of the named node in Nodes, or -1.
func (t *Topology) Index(name string) int {
	if i, ok := t.byName[name]; ok {
		return i
	}
	return -1
}

// NodeAt finds the node whose icon covers world point (x, y), or -1.
func (t *Topology) NodeAt(x, y float64) int {
	best, bestD := -1, IconSize*IconSize*0.36
	for i := range t.Nodes {
		dx, dy := t.Nodes[i].X-x, t.Nodes[i].Y-y
		if d := dx*dx + dy*dy; d <= bestD {
			best, bestD = i, d
		}
	}
	return best
}

// personName turns "lisa@otherisp.com" into "Lisa".
func personName(addr string) string {
	local := addr
	if at := strings.IndexByte(addr, '@'); at >= 0 {
		local = addr[:at]
	}
	if local == "" {
		return addr
	}
	return strings.ToUpper(local[:1]) + local[1:]
}

// Has reports whether the node runs the service.
func (n *Node) Has(s scenario.Service) bool {
	for _, x := range n.Services {
		if x == s {
			return true
		}
	}
	return false
}

// Label is what the map writes under a node: a server's name without its
// ISP's domain, which the region's title already shows ("smtp", "pop3",
// "ns" inside "comentum (comentum.com)"), so neighbours' labels don't
// collide; a PC's owner with its host name.
func (t *Topology) Label(n *Node) string {
	if n.Person != "" && n.Short {
		return n.Person
	}
	if n.Person != "" {
		return n.Person + " (" + n.Name + ")"
	}
	if n.Kind == scenario.KindServer {
		for _, r := range t.Regions {
			if r.ISP == n.ISP && r.Domain != "" && strings.HasSuffix(n.Name, "."+r.Domain) {
				return strings.TrimSuffix(n.Name, "."+r.Domain)
			}
		}
	}
	return n.Name
}

// Label metrics at zoom 1, for layout checks: an upper bound of the
// node label font's advance per character, and its line height.
const (
	LabelCharW = 8.0
	LabelH     = 17.0
)

// LabelBox is where a node's label goes at zoom 1: centred under its icon.
func (t *Topology) LabelBox(n *Node) Rect {
	w := float64(len([]rune(t.Label(n)))) * LabelCharW
	return Rect{n.X - w/2, n.Y + IconSize/2 + 1, w, LabelH}
}

// Overlaps reports whether two rectangles share any area.
func (r Rect) Overlaps(o Rect) bool {
	return r.X < o.X+o.W && o.X < r.X+r.W && r.Y < o.Y+o.H && o.Y < r.Y+r.H
}

package sim

import (
	"container/heap"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"
)

type node struct {
	name   string
	router bool
	host   *Host // nil for routers
	links  []*Link
	idx    int
}

// addLink keeps a node's links sorted by name, so routing ties break the
// same way on every run.
func (n *node) addLink(l *Link) {
	i := sort.Search(len(n.links), func(i int) bool { return n.links[i].Name >= l.Name })
	n.links = append(n.links, nil)
	copy(n.links[i+1:], n.links[i:])
	n.links[i] = l
}

// Link joins two nodes. Each direction has its own queue.
type Link struct {
	Name      string
	A, B      string
	Latency   time.Duration
	Bandwidth int64 // bits per second; 0 means infinite

	a, b *node
	up   bool
	busy [2]time.Duration // when each direction is free again (0: a→b)
	// behaviours are the link's faults (fault.go); last is each
	// direction's latest arrival, which a jittered packet may not pass.
	behaviours []LinkBehaviour
	last       [2]time.Duration
}

// Up reports whether the link is up.
func (l *Link) Up() bool { return l.up }

// hop is one link traversal of a route, in a direction.
type hop struct {
	link *Link
	dir  int // 0: a→b, 1: b→a
}

func (h hop) from() *node {
	if h.dir == 0 {
		return h.link.a
	}
	return h.link.b
}

// reverse is the same link crossed the other way.
func (h hop) reverse() hop { return hop{h.link, 1 - h.dir} }

func (h hop) to() *node {
	if h.dir == 0 {
		return h.link.b
	}
	return h.link.a
}

// TopologyError lists everything wrong with a topology, naming the nodes.
type TopologyError struct{ Problems []string }

func (e *TopologyError) Error() string { return "bad topology: " + strings.Join(e.Problems, "; ") }

// AddRouter adds a router: a node that forwards between its links.
func (w *World) AddRouter(name string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, dup := w.nodes[name]; dup {
		return fmt.Errorf("duplicate node name %q", name)
	}
	n := &node{name: name, router: true, idx: len(w.order)}
	w.nodes[name] = n
	w.order = append(w.order, n)
	w.built = false
	return nil
}

// AddHost adds a host with one address. Hosts run servers and clients;
// they do not forward.
func (w *World) AddHost(name string, addr netip.Addr) (*Host, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, dup := w.nodes[name]; dup {
		return nil, fmt.Errorf("duplicate node name %q", name)
	}
	if !addr.IsValid() || !addr.Is4() {
		return nil, fmt.Errorf("host %q: address %v is not an IPv4 address", name, addr)
	}
	if other, dup := w.byAddr[addr]; dup {
		return nil, fmt.Errorf("host %q: address %v already belongs to %q", name, addr, other.name)
	}
	h := newHost(w, name, addr)
	n := &node{name: name, host: h, idx: len(w.order)}
	h.node = n
	w.nodes[name] = n
	w.order = append(w.order, n)
	w.byAddr[addr] = h
	w.built = false
	return h, nil
}

// Connect adds a link between two existing nodes.
func (w *World) Connect(a, b string, latency time.Duration, bandwidth int64) (*Link, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	na, nb := w.nodes[a], w.nodes[b]
	var bad []string
	if na == nil {
		bad = append(bad, fmt.Sprintf("link %s—%s: unknown node %q", a, b, a))
	}
	if nb == nil {
		bad = append(bad, fmt.Sprintf("link %s—%s: unknown node %q", a, b, b))
	}
	if len(bad) > 0 {
		return nil, &TopologyError{bad}
	}
	if a == b {
		return nil, &TopologyError{[]string{fmt.Sprintf("link %s—%s joins a node to itself", a, b)}}
	}
	if latency < 0 || bandwidth < 0 {
		return nil, &TopologyError{[]string{fmt.Sprintf("link %s—%s: negative latency or bandwidth", a, b)}}
	}
	name := a + "—" + b
	if _, dup := w.links[name]; dup {
		return nil, &TopologyError{[]string{fmt.Sprintf("duplicate link %s", name)}}
	}
	l := &Link{Name: name, A: a, B: b, Latency: latency, Bandwidth: bandwidth, a: na, b: nb, up: true}
	na.addLink(l)
	nb.addLink(l)
	w.links[name] = l
	w.lorder = append(w.lorder, l)
	w.forgetRoutes()
	w.built = false
	return l, nil
}

// forgetRoutes drops every route found so far: the topology changed.
func (w *World) forgetRoutes() {
	w.trees = map[*node]*spt{}
	w.routeGen++
}

// Links lists the links in the order they were added.
func (w *World) Links() []*Link {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]*Link(nil), w.lorder...)
}

// Link finds a link by either end's names, in either order.
func (w *World) Link(a, b string) *Link {
	w.mu.Lock()
	defer w.mu.Unlock()
	if l := w.links[a+"—"+b]; l != nil {
		return l
	}
	return w.links[b+"—"+a]
}

// Host finds a host by name.
func (w *World) Host(name string) *Host {
	w.mu.Lock()
	defer w.mu.Unlock()
	if n := w.nodes[name]; n != nil {
		return n.host
	}
	return nil
}

// Hosts lists the hosts in the order they were added.
func (w *World) Hosts() []*Host {
	w.mu.Lock()
	defer w.mu.Unlock()
	var hs []*Host
	for _, n := range w.order {
		if n.host != nil {
			hs = append(hs, n.host)
		}
	}
	return hs
}

// SetLinkUp takes a link down or brings it up. Routes are recomputed;
// segments on a link that goes down are lost, and TCP retransmits them.
func (w *World) SetLinkUp(l *Link, up bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if l.up == up {
		return
	}
	l.up = up
	w.forgetRoutes()
	state := "down"
	if up {
		state = "up"
	}
	w.noteLocked("", fmt.Sprintf("link %s is %s", l.Name, state))
}

// Build checks the topology: every host must be reachable from every
// other. Drivers call it on first use; call it early for the error.
func (w *World) Build() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buildLocked()
}

func (w *World) buildLocked() error {
	var hosts []*node
	for _, n := range w.order {
		if n.host != nil {
			hosts = append(hosts, n.host.node)
		}
	}
	if len(hosts) == 0 {
		w.built = true
		return nil
	}
	// Reachability from the first host, through routers only.
	seen := map[*node]bool{hosts[0]: true}
	queue := []*node{hosts[0]}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if n.host != nil && n != hosts[0] {
			continue // hosts don't forward
		}
		for _, l := range n.links {
			o := l.a
			if o == n {
				o = l.b
			}
			if !seen[o] {
				seen[o] = true
				queue = append(queue, o)
			}
		}
	}
	var bad []string
	for _, h := range hosts {
		if !seen[h] {
			if len(h.links) == 0 {
				bad = append(bad, fmt.Sprintf("host %q has no links, so no route reaches it", h.name))
			} else {
				bad = append(bad, fmt.Sprintf("no route reaches host %q from %q", h.name, hosts[0].name))
			}
		}
	}
	if len(bad) > 0 {
		return &TopologyError{bad}
	}
	w.built = true
	return nil
}

// route returns the hops from a to b over links that are up: the path of
// least total latency, ties broken by fewer hops, then by node order.
// It is walked anew from the source's shortest-path tree each time, a
// few hops: a connection keeps its own (tcpConn.route), and a cache of
// every pair of hosts that ever talked held a tenth of a large world's
// heap, all of it pointers for the collector to mark.
func (w *World) route(a, b *node) []hop {
	if a == b {
		return []hop{}
	}
	// A host with one link can only leave through it, and a leaf is
	// reached only over its link: their routes are their routers', a hop
	// longer. That spares a tree per PC.
	src, dst := a, b
	var first, last hop
	if a.leaf() {
		if first = out(a); !first.link.up {
			return nil
		}
		if src = first.to(); src == b {
			return []hop{first}
		}
		if src.host != nil {
			return nil // hosts don't forward
		}
	}
	if b.leaf() {
		if last = out(b).reverse(); !last.link.up {
			return nil
		}
		if dst = last.from(); dst == src {
			if a != src {
				return []hop{first, last}
			}
			return []hop{last}
		}
		if dst.host != nil {
			return nil
		}
	}
	t := w.tree(src)
	ti, _ := w.transitIndex()
	if dst.idx >= len(ti) || ti[dst.idx] < 0 || !t.reached[ti[dst.idx]] {
		return nil
	}
	n := 0
	for x := dst; x != src; x = t.prev[ti[x.idx]].from() {
		n++
	}
	if a != src {
		n++
	}
	if b != dst {
		n++
	}
	path := make([]hop, n)
	if a != src {
		path[0] = first
	}
	if b != dst {
		n--
		path[n] = last
	}
	for x := dst; x != src; {
		h := t.prev[ti[x.idx]]
		n--
		path[n] = h
		x = h.from()
	}
	return path
}

// out is the hop from a host over its first link.
func out(n *node) hop {
	l := n.links[0]
	if l.b == n {
		return hop{l, 1}
	}
	return hop{l, 0}
}

type dist struct {
	lat  time.Duration
	hops int
}

func (d dist) less(o dist) bool {
	if d.lat != o.lat {
		return d.lat < o.lat
	}
	return d.hops < o.hops
}

type pqItem struct {
	n *node
	d dist
}
type pq []pqItem

func (p pq) Len() int { return len(p) }
func (p pq) Less(i, j int) bool {
	if p[i].d != p[j].d {
		return p[i].d.less(p[j].d)
	}
	return p[i].n.idx < p[j].n.idx
}
func (p pq) Swap(i, j int) { p[i], p[j] = p[j], p[i] }
func (p *pq) Push(x any)   { *p = append(*p, x.(pqItem)) }
func (p *pq) Pop() any {
	o := *p
	x := o[len(o)-1]
	*p = o[:len(o)-1]
	return x
}

// spt is a shortest-path tree from one source: for every transit node
// (see transitIndex), the hop that reaches it.
type spt struct {
	prev    []hop
	reached []bool
}

// leaf reports whether n is a host with a single link: it is only ever
// the first or the last hop of a route, so trees need not hold it.
func (n *node) leaf() bool { return n.host != nil && len(n.links) == 1 }

// transitIndex numbers the nodes that are not leaves (routers, and hosts
// with several links), indexed by node.idx; -1 for a leaf. Trees hold
// transit nodes only: a tree per router over every PC made memory grow
// with the square of the world (1,000 ISPs: 15,000 nodes per tree).
// It is renumbered whenever the trees have been dropped (a topology
// change). w.mu must be held.
func (w *World) transitIndex() ([]int32, int) {
	if len(w.tindex) != len(w.order) {
		w.trees = map[*node]*spt{} // numbered for fewer nodes
	}
	if len(w.trees) > 0 {
		return w.tindex, w.ntransit
	}
	w.tindex = make([]int32, len(w.order))
	k := 0
	for i, n := range w.order {
		if n.leaf() {
			w.tindex[i] = -1
			continue
		}
		w.tindex[i] = int32(k)
		k++
	}
	w.ntransit = k
	return w.tindex, k
}

// tree computes (once per topology change) the shortest-path tree from a,
// a transit node.
func (w *World) tree(a *node) *spt {
	ti, n := w.transitIndex()
	if t := w.trees[a]; t != nil {
		return t
	}
	t := &spt{prev: make([]hop, n), reached: make([]bool, n)}
	best := make([]dist, n)
	seen := make([]bool, n)
	done := make([]bool, n)
	seen[ti[a.idx]] = true
	q := &pq{{a, dist{}}}
	for q.Len() > 0 {
		cur := heap.Pop(q).(pqItem)
		ci := ti[cur.n.idx]
		if done[ci] {
			continue
		}
		done[ci] = true
		t.reached[ci] = true
		if cur.n.host != nil && cur.n != a {
			continue // hosts don't forward
		}
		for _, l := range cur.n.links { // kept sorted by name
			if !l.up {
				continue
			}
			h := hop{l, 0}
			if l.b == cur.n {
				h.dir = 1
			}
			o := h.to()
			oi := ti[o.idx]
			if oi < 0 {
				continue // a leaf: reached through this hop, see route
			}
			nd := dist{cur.d.lat + l.Latency, cur.d.hops + 1}
			if !seen[oi] || nd.less(best[oi]) {
				seen[oi] = true
				best[oi] = nd
				t.prev[oi] = h
				heap.Push(q, pqItem{o, nd})
			}
		}
	}
	w.trees[a] = t
	return t
}

// Route lists the node names a packet from host a to host b visits, for
// tests and the window. It is nil when no route exists.
func (w *World) Route(a, b string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	na, nb := w.nodes[a], w.nodes[b]
	if na == nil || nb == nil {
		return nil
	}
	r := w.route(na, nb)
	if r == nil {
		return nil
	}
	names := []string{a}
	for _, h := range r {
		names = append(names, h.to().name)
	}
	return names
}

package view

import (
	"math"

	"mailsim/sim/scenario"
)

// Layout sizes, in world units (pixels at zoom 1).
const (
	IconSize     = 40.0  // icons are drawn this wide and high
	cellW        = 132.0 // horizontal spacing of nodes inside a region
	cellH        = 78.0  // vertical spacing of rows inside a region
	regionPad    = 24.0  // space between a region's border and its nodes
	regionHeader = 30.0  // room for the region's label
	pcCols       = 6     // PCs per row in a large region
	regionGap    = 70.0  // between neighbouring regions
	centerGap    = 150.0 // from the Internet to the nearest region
	ringMax      = 12    // up to this many ISPs sit on a ring; more go on a grid
	pcBeside     = 4     // up to this many PCs sit beside the servers; more on a fan
	labelRoom    = 22.0  // under an icon, for its label
)

// rowRegion puts the routers on top and the servers in a row below with
// the PCs beside them at both ends, so that no PC sits under a server
// and no link runs through an icon.
func rowRegion(r *regionLayout, rs [3][]int) {
	pcs := rs[2]
	left := pcs[:len(pcs)/2+len(pcs)%2]
	row := append(append(append([]int(nil), left...), rs[1]...), pcs[len(left):]...)
	cols := max(len(rs[0]), len(row), 2)
	r.w = float64(cols)*cellW + 2*regionPad - (cellW - IconSize)
	y := regionHeader + regionPad + IconSize/2
	for _, line := range [][]int{rs[0], row} {
		for j, idx := range line {
			x := r.w/2 + (float64(j)-float64(len(line)-1)/2)*cellW
			r.nodes = append(r.nodes, idx)
			r.rel = append(r.rel, [2]float64{x, y})
		}
		if len(line) > 0 {
			y += cellH * 1.3 // room for a letter resting above a node
		}
	}
	r.h = y - cellH*1.3 + IconSize/2 + labelRoom + regionPad
}

// fanRegion is for a crowded ISP (the classroom): the servers in a row
// on top, the router under them, and the PCs on a fan of rings below the
// router, each at an angle of its own, so that a link to an outer ring
// passes between the icons of the inner ones.
func fanRegion(r *regionLayout, rs [3][]int, short map[int]bool) {
	fan := append(append([]int(nil), rs[1]...), rs[2]...)
	rings := (len(fan) + 9) / 10
	const a0, a1 = 25.0, 155.0 // degrees, below the router
	step := (a1 - a0) / float64(max(len(fan)-1, 1)) * math.Pi / 180
	r1 := (IconSize/2 + 10) / math.Sin(step) // the inner ring clears each line
	dr := cellH
	outer := r1 + float64(rings-1)*dr
	r.w = 2*outer*math.Cos(a0*math.Pi/180) + IconSize + 2*regionPad + 40
	ry := regionHeader + regionPad + IconSize/2
	for j, idx := range rs[0] {
		r.nodes = append(r.nodes, idx)
		r.rel = append(r.rel, [2]float64{r.w/2 + (float64(j)-float64(len(rs[0])-1)/2)*cellW, ry})
	}
	for k, idx := range fan {
		if k >= len(rs[1]) {
			short[idx] = true
		}
		a := (a0*math.Pi/180 + float64(k)*step)
		rad := r1 + float64(k%rings)*dr
		r.nodes = append(r.nodes, idx)
		r.rel = append(r.rel, [2]float64{r.w/2 + rad*math.Cos(a), ry + rad*math.Sin(a)})
	}
	r.h = ry + outer + IconSize/2 + labelRoom + regionPad
}

// regionLayout is an ISP region's nodes before it is moved into place.
type regionLayout struct {
	isp   *scenario.ISP
	w, h  float64
	nodes []int        // node indexes
	rel   [][2]float64 // their positions relative to the region's top-left
}

// layout places every node: the Internet (and backbone routers, the root
// DNS server) in the middle, each ISP as a region around it. Two ISPs sit
// left and right; up to ringMax on an ellipse in file order; more on a
// grid with the Internet in its middle cell.
func layout(t *Topology, sc *scenario.Scenario) {
	var regions []*regionLayout
	inISP := map[string]*regionLayout{}
	for i := range sc.ISPs {
		r := &regionLayout{isp: &sc.ISPs[i]}
		regions = append(regions, r)
		inISP[r.isp.Name] = r
	}
	// Rows: routers, servers, then PCs (and anything else).
	rows := map[*regionLayout][3][]int{}
	var outside []int
	for i, n := range t.Nodes {
		r := inISP[n.ISP]
		if r == nil {
			outside = append(outside, i)
			continue
		}
		rs := rows[r]
		switch n.Kind {
		case scenario.KindRouter:
			rs[0] = append(rs[0], i)
		case scenario.KindServer, scenario.KindRoot:
			rs[1] = append(rs[1], i)
		default:
			rs[2] = append(rs[2], i)
		}
		rows[r] = rs
	}
	maxW, maxH := 0.0, 0.0
	short := map[int]bool{} // PCs labelled by their owner alone
	for _, r := range regions {
		rs := rows[r]
		if len(rs[2]) > pcBeside {
			fanRegion(r, rs, short)
		} else {
			rowRegion(r, rs)
		}
		maxW, maxH = max(maxW, r.w), max(maxH, r.h)
	}
	for i := range short {
		t.Nodes[i].Short = true
	}
	// The middle: internet, root DNS, backbone routers.
	placeMiddle(t, outside)
	if len(regions) > 2 { // a region may be turned (face): either way round
		maxW, maxH = max(maxW, maxH+regionHeader), max(maxW, maxH+regionHeader)
	}
	// Region centres.
	centres := make([][2]float64, len(regions))
	switch n := len(regions); {
	case n == 0:
	case n <= 2:
		// The routers level with the Internet: their links to it run
		// above the servers' row.
		dx := centerGap + maxW/2
		for i, r := range regions {
			cy := 0.0
			for j, idx := range r.nodes {
				if t.Nodes[idx].Kind == scenario.KindRouter {
					cy = r.h/2 - r.rel[j][1]
					break
				}
			}
			centres[i] = [2]float64{dx * float64(2*i-1), cy}
		}
	case n <= ringMax:
		// An ellipse wide enough that neighbours never overlap.
		step := 2 * math.Pi / float64(n)
		need := (math.Hypot(maxW, maxH) + regionGap) / 2 / math.Sin(step/2)
		rx := max(need, centerGap+maxW/2+60)
		ry := max(need*0.8, centerGap+maxH/2+60)
		for i := range regions {
			a := math.Pi + float64(i)*step
			centres[i] = [2]float64{rx * math.Cos(a), ry * math.Sin(a)}
		}
	default:
		cols := int(math.Ceil(math.Sqrt(float64(n + 1))))
		rowsN := (n + 1 + cols - 1) / cols
		mid := (rowsN/2)*cols + cols/2 // the Internet's cell
		k := 0
		for cell := 0; k < n; cell++ {
			if cell == mid {
				continue
			}
			cx := float64(cell%cols-mid%cols) * (maxW + regionGap)
			cy := float64(cell/cols-mid/cols) * (maxH + regionGap)
			centres[k] = [2]float64{cx, cy}
			k++
		}
	}
	for i, r := range regions {
		if len(regions) > 2 {
			r.face(centres[i])
		}
		x0, y0 := centres[i][0]-r.w/2, centres[i][1]-r.h/2
		domain := ""
		if len(r.isp.Domains) > 0 {
			domain = r.isp.Domains[0].Name
		}
		t.Regions = append(t.Regions, Region{ISP: r.isp.Name, Domain: domain, X: x0, Y: y0, W: r.w, H: r.h})
		for j, idx := range r.nodes {
			t.Nodes[idx].X, t.Nodes[idx].Y = x0+r.rel[j][0], y0+r.rel[j][1]
		}
	}
	t.Bounds = bounds(t)
}

// placeMiddle puts the Internet router at the origin, the root DNS server
// above it and other backbone nodes on a small circle around it.
func placeMiddle(t *Topology, idx []int) {
	var rest []int
	for _, i := range idx {
		n := &t.Nodes[i]
		switch {
		case n.Name == "internet":
			n.X, n.Y = 0, 0
		case n.Kind == scenario.KindRoot:
			n.X, n.Y = 0, -cellH*1.4
		default:
			rest = append(rest, i)
		}
	}
	for k, i := range rest {
		a := math.Pi/2 + 2*math.Pi*float64(k)/float64(max(len(rest), 3))
		t.Nodes[i].X, t.Nodes[i].Y = cellW*1.2*math.Cos(a), cellH*1.2*math.Sin(a)
	}
}

func bounds(t *Topology) Rect {
	if len(t.Nodes) == 0 {
		return Rect{-100, -100, 200, 200}
	}
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	grow := func(ax, ay, bx, by float64) {
		x0, y0, x1, y1 = min(x0, ax), min(y0, ay), max(x1, bx), max(y1, by)
	}
	for _, n := range t.Nodes {
		grow(n.X-IconSize, n.Y-IconSize, n.X+IconSize, n.Y+IconSize)
	}
	for _, r := range t.Regions {
		grow(r.X, r.Y, r.X+r.W, r.Y+r.H)
	}
	for i := range t.Nodes {
		b := t.LabelBox(&t.Nodes[i])
		grow(b.X, b.Y, b.X+b.W, b.Y+b.H)
	}
	const m = 30
	return Rect{x0 - m, y0 - m, x1 - x0 + 2*m, y1 - y0 + 2*m}
}

// face turns a region laid out with its router on top so that the
// router faces the Internet in the middle (the region's centre is c):
// its link then leaves the region without crossing it.
func (r *regionLayout) face(c [2]float64) {
	dx, dy := -c[0], -c[1] // towards the middle
	switch {
	case math.Abs(dy) >= math.Abs(dx) && dy < 0: // the middle is above
		return
	case math.Abs(dy) >= math.Abs(dx): // below: flip
		for i := range r.rel {
			r.rel[i][1] = r.h - r.rel[i][1] + regionHeader - labelRoom
		}
		return
	}
	for i := range r.rel {
		x, y := r.rel[i][0], r.rel[i][1]
		if dx > 0 { // the middle is to the right
			r.rel[i] = [2]float64{r.h - y, x + regionHeader}
		} else {
			r.rel[i] = [2]float64{y, x + regionHeader}
		}
	}
	r.w, r.h = r.h, r.w+regionHeader
}

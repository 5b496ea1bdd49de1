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
)

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
	for _, r := range regions {
		rs := rows[r]
		cols := max(len(rs[0]), len(rs[1]), min(len(rs[2]), pcCols), 2)
		r.w = float64(cols)*cellW + 2*regionPad - (cellW - IconSize)
		y := regionHeader + regionPad + IconSize/2
		for k, row := range rs {
			per := cols
			if k < 2 {
				per = max(len(row), 1)
			}
			for j, idx := range row {
				col, line := j%per, j/per
				n := min(per, len(row)-line*per)
				// Centre each line of icons in the region.
				x := r.w/2 + (float64(col)-float64(n-1)/2)*cellW
				r.nodes = append(r.nodes, idx)
				r.rel = append(r.rel, [2]float64{x, y + float64(line)*cellH})
			}
			if len(row) > 0 {
				y += float64((len(row)+per-1)/per) * cellH
			}
		}
		r.h = y - cellH + IconSize/2 + regionPad + 14 // 14: labels under icons
		maxW, maxH = max(maxW, r.w), max(maxH, r.h)
	}
	// The middle: internet, root DNS, backbone routers.
	placeMiddle(t, outside)
	// Region centres.
	centres := make([][2]float64, len(regions))
	switch n := len(regions); {
	case n == 0:
	case n <= 2:
		dx := centerGap + maxW/2
		centres[0] = [2]float64{-dx, 0}
		if n == 2 {
			centres[1] = [2]float64{dx, 0}
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
	const m = 30
	return Rect{x0 - m, y0 - m, x1 - x0 + 2*m, y1 - y0 + 2*m}
}

package view

import "math"

// Camera maps world coordinates to a viewport on the screen.
type Camera struct {
	View   Rect    // the screen area the map is drawn in
	CX, CY float64 // world point at the centre of View
	Zoom   float64 // screen pixels per world unit
}

// Zoom limits.
const (
	MinZoom = 0.02
	MaxZoom = 4
)

// Fit centres r in view and zooms so it fills the view.
func (c *Camera) Fit(r Rect, view Rect) {
	c.View = view
	c.CX, c.CY = r.X+r.W/2, r.Y+r.H/2
	c.Zoom = clampZoom(math.Min(view.W/r.W, view.H/r.H))
}

// ToScreen maps a world point to the screen.
func (c *Camera) ToScreen(x, y float64) (float64, float64) {
	return c.View.X + c.View.W/2 + (x-c.CX)*c.Zoom, c.View.Y + c.View.H/2 + (y-c.CY)*c.Zoom
}

// ToWorld maps a screen point to the world.
func (c *Camera) ToWorld(sx, sy float64) (float64, float64) {
	return c.CX + (sx-c.View.X-c.View.W/2)/c.Zoom, c.CY + (sy-c.View.Y-c.View.H/2)/c.Zoom
}

// ZoomAt multiplies the zoom by f, keeping the world point under screen
// point (sx, sy) where it is.
func (c *Camera) ZoomAt(f, sx, sy float64) {
	wx, wy := c.ToWorld(sx, sy)
	c.Zoom = clampZoom(c.Zoom * f)
	nx, ny := c.ToWorld(sx, sy)
	c.CX += wx - nx
	c.CY += wy - ny
}

// Pan moves the view by (dx, dy) screen pixels.
func (c *Camera) Pan(dx, dy float64) {
	c.CX -= dx / c.Zoom
	c.CY -= dy / c.Zoom
}

func clampZoom(z float64) float64 { return math.Max(MinZoom, math.Min(MaxZoom, z)) }

package view

import "testing"

// Every text colour on every background meets WCAG AA (4.5:1).
func TestPaletteContrast(t *testing.T) {
	for _, fg := range TextColors {
		for _, bg := range Backgrounds {
			if c := Contrast(fg, bg); c < 4.5 {
				t.Errorf("text %v on %v: %.2f:1, want ≥ 4.5:1", fg, bg, c)
			}
		}
	}
	if c := Contrast(InkColor, PanelColor); c < 12 {
		t.Errorf("ink on white %.2f:1", c)
	}
}

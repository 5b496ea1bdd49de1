package testtool

import "image"

// Pixels counts the pixels of img inside rect within tol of the colour
// (r, g, b), in 8-bit channels: how tests of the window find what it drew.
func Pixels(img image.Image, rect image.Rectangle, r, g, b, tol int) int {
	n := 0
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		for x := rect.Min.X; x < rect.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if abs(int(cr>>8)-r) <= tol && abs(int(cg>>8)-g) <= tol && abs(int(cb>>8)-b) <= tol {
				n++
			}
		}
	}
	return n
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

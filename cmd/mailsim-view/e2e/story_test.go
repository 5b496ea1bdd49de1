package e2e

import (
	"image"
	"image/gif"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"mailsim/internal/testtool"
)

// Mid-relay the letter (cream paper) is on the map; at the end the
// results card lists every expectation in green, none in red.
func TestScreenshotLetterAndResults(t *testing.T) {
	bin := build(t)
	map0 := image.Rect(0, 32, 840, 560)
	if n := testtool.Pixels(shot(t, bin, "--at", "0.7s"), map0, 0xFF, 0xF6, 0xD8, 6); n < 150 {
		t.Errorf("%d letter pixels mid-relay, want a letter on the map", n)
	}
	end := shot(t, bin, "--at", "10m")
	green := testtool.Pixels(end, map0, 0x1B, 0x6E, 0x2E, 10)
	red := testtool.Pixels(end, map0, 0xA8, 0x1C, 0x1C, 10)
	if green < 400 || red > 20 {
		t.Errorf("results card: %d green, %d red pixels; want every expectation passing", green, red)
	}
}

// --record writes an animated GIF of the story that moves.
func TestRecordGIF(t *testing.T) {
	bin := build(t)
	file := filepath.Join(t.TempDir(), "story.gif")
	if out, err := exec.Command(bin, "--record", file, "--for", "6s").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := gif.DecodeAll(f)
	if err != nil {
		t.Fatal(err)
	}
	if g.Config.Width != 640 || g.Config.Height != 400 || len(g.Image) < 30 {
		t.Errorf("%dx%d, %d frames; want 640x400 and most of 60 frames", g.Config.Width, g.Config.Height, len(g.Image))
	}
}

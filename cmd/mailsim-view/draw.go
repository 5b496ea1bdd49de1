package main

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
)

// Draw only reads the model.
func (g *Game) Draw(screen *ebiten.Image) {
	if g.skipDraw() {
		return
	}
	start := time.Now() // measurement only (--bench-frames)
	if g.gfx == nil {
		g.gfx = newGraphics()
	}
	screen.Fill(bgColor)
	if g.m != nil {
		if !g.camOK {
			g.cam.Fit(withTitles(g.m.Topo.Bounds), g.fitRect())
			g.camOK = true
		}
		g.drawMap(screen)
		g.drawPanel(screen)
		g.drawTop(screen)
		g.drawBottom(screen)
	}
	if g.m != nil && len(g.errs) == 0 && !g.help {
		switch {
		case !g.m.Started():
			g.drawTitleCard(screen)
		case g.m.Ended():
			g.drawResults(screen)
		}
	}
	if len(g.errs) > 0 {
		g.drawErrors(screen)
	} else if g.help {
		g.drawHelp(screen)
	}
	g.frame++
	g.gfx.text.endFrame()
	if g.opts.benchFrames > 0 {
		if g.bench.frames == 0 {
			g.bench.start = time.Now()
		}
		g.bench.frames++
		g.bench.inFlight = len(g.flights)
		g.bench.draw += time.Since(start)
	}
	if g.rec != nil && g.m != nil && !g.shotDone {
		g.exitErr = g.rec.frame(screen, g)
	}
	if g.opts.screenshot != "" && g.frame >= 3 && !g.shotDone && g.m != nil {
		g.exitErr = writePNG(screen, g.opts.screenshot)
		g.shotDone = true
	}
}

// writePNG saves the screen.
func writePNG(screen *ebiten.Image, path string) error {
	b := screen.Bounds()
	img := image.NewRGBA(b)
	screen.ReadPixels(img.Pix)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}

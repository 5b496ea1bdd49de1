package main

import (
	"fmt"
	"image"
	"image/color"
	"os"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"mailsim/cmd/mailsim-view/internal/gifrec"
	"mailsim/cmd/mailsim-view/view"
)

// recordFPS is the frame rate of --record's GIF.
const recordFPS = 10

// recording is --record: every drawn frame goes into the GIF, whose
// frames are 1/recordFPS s of playback apart (Update ticks the model
// TPS/recordFPS times per frame).
type recording struct {
	gif  *gifrec.Recorder
	buf  *image.RGBA
	hold int // frames of the results card still to record
}

func newRecording() *recording { return &recording{hold: 3 * recordFPS} }

// start films a window up to 1000 pixels wide at its size, a larger one
// at half size.
func (r *recording) start(w int) {
	scale := 1
	if w > 1000 {
		scale = 2
	}
	extra := []color.Color{view.BgColor, view.PanelColor, view.InkColor, view.DimColor, view.LineColor,
		view.RegionColor, view.RegionEdge, view.SelColor, view.ErrColor, view.OKColor, view.LetterPaper}
	for _, p := range view.Services() {
		extra = append(extra, p.Color())
	}
	r.gif = gifrec.New(100/recordFPS, scale, extra...)
}

// frame adds the screen; when the recording is long enough, or the run
// is over and its results card has been up a while, it writes the file
// and ends the program (a nil error with shotDone).
func (r *recording) frame(screen *ebiten.Image, g *Game) error {
	b := screen.Bounds()
	if r.gif == nil {
		r.start(b.Dx())
	}
	if r.buf == nil || r.buf.Bounds() != b {
		r.buf = image.NewRGBA(b)
	}
	screen.ReadPixels(r.buf.Pix)
	r.gif.Add(r.buf)
	m := g.m
	played := m.P
	if m.Ended() {
		r.hold--
	}
	if played < g.opts.recordFor && r.hold > 0 && m.Err == nil {
		return nil
	}
	g.shotDone = true
	f, err := os.Create(g.opts.record)
	if err != nil {
		return err
	}
	if err := r.gif.Write(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", g.opts.record, err)
	}
	fmt.Fprintf(os.Stderr, "mailsim-view: %s: %d frames, %s of playback (virtual %s)\n",
		g.opts.record, r.gif.Frames(), played.Round(time.Millisecond/10*1000), view.FmtTime(m.T))
	return f.Close()
}

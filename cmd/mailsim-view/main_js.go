//go:build js

package main

import (
	"errors"
	"fmt"
	"log"
	"net/url"
	"strconv"
	"strings"
	"syscall/js"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"mailsim/cmd/mailsim-view/view"
	"mailsim/scenarios"
)

// In a browser the page's address takes the place of the command line:
//
//	?scenario=figure-a   a library scenario by name (default figure-b)
//	?at=12.5s            open at that moment of virtual time, paused (Space
//	                     plays), as --at picks the frame of a --screenshot
//	?speed=5             play at 5× (one of view.Speeds)
//	?tcp=1               show TCP handshakes, ACKs and FINs (key T)
//
// There is no --serve: a page cannot open network ports. The page says so.
func main() {
	q, err := url.ParseQuery(strings.TrimPrefix(js.Global().Get("location").Get("search").String(), "?"))
	var problems []error
	if err != nil {
		problems = append(problems, fmt.Errorf("the page address: %v", err))
	}
	name := q.Get("scenario")
	if _, ok := scenarios.Lookup(name); name != "" && !ok {
		problems = append(problems, fmt.Errorf("no scenario %q in the library: choose one from the menu above (%s)",
			name, strings.Join(libraryNames(), ", ")))
		name = ""
	}
	g := newGame(name, options{showControl: q.Has("tcp") && q.Get("tcp") != "0"})
	if g.m != nil {
		if s := q.Get("at"); s != "" {
			if at, err := time.ParseDuration(s); err != nil || at < 0 {
				problems = append(problems, fmt.Errorf("?at=%s: want a moment like 12.5s", s))
			} else {
				g.m.Seek(at)
				g.m.Playing = false
			}
		}
		if s := q.Get("speed"); s != "" {
			if i, err := speedIndex(s); err != nil {
				problems = append(problems, err)
			} else {
				g.m.SpeedIdx = i
			}
		}
	}
	if len(problems) > 0 {
		g.setErr("this page", errors.Join(problems...))
	}
	ebiten.SetTPS(view.TPS)
	ebiten.SetScreenClearedEveryFrame(false) // Draw fills the whole screen: spare a pass
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	if err := ebiten.RunGame(newWebGame(g)); err != nil && !errors.Is(err, ebiten.Termination) {
		log.Fatal(err)
	}
}

// speedIndex finds "5" or "5x" among view.Speeds.
func speedIndex(s string) (int, error) {
	f, err := strconv.ParseFloat(strings.TrimRight(s, "x×"), 64)
	for i, v := range view.Speeds {
		if err == nil && v == f {
			return i, nil
		}
	}
	var all []string
	for _, v := range view.Speeds {
		all = append(all, strconv.FormatFloat(v, 'g', -1, 64))
	}
	return 0, fmt.Errorf("?speed=%s: want one of %s", s, strings.Join(all, ", "))
}

// libraryNames are the library's scenarios without ".yaml".
func libraryNames() []string {
	var names []string
	for _, n := range scenarios.List() {
		names = append(names, strings.TrimSuffix(n, ".yaml"))
	}
	return names
}

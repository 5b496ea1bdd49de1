package cmdline

import (
	"errors"
	"fmt"
)

// Hint tells how to get a display, or to do without one.
const Hint = `The window needs an X display: set DISPLAY, or run it headless under Xvfb:
  xvfb-run -a mailsim-view --screenshot out.png --at 1s
(mailsim, without -view, runs and tests scenarios with no display at all.)`

// CheckDisplay reports why the window could not open, before ebiten
// tries and panics: nil when it can, as far as can be told without
// opening it. getenv is os.Getenv outside tests.
func CheckDisplay(getenv func(string) string) error {
	return checkDisplay(getenv)
}

// errNoDisplay builds CheckDisplay's error: what is wrong, then Hint.
func errNoDisplay(format string, a ...any) error {
	return errors.New("no display: " + fmt.Sprintf(format, a...) + "\n" + Hint)
}

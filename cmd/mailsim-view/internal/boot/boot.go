// Package boot reads the command line and checks for a display before
// ebiten starts, so that `mailsim-view --help` works anywhere and a
// missing display gets a message instead of a stack trace.
//
// Why an init, and why it runs first: ebiten's internal/ui initializes
// GLFW in its package init, and GLFW opens the X display there, so
// without one the process panics before main (internal/ui/ui.go, v2.8.8).
// Nothing in main can catch that. Go initializes packages in import-path
// order, each as soon as its own imports are (spec, "Package
// initialization"): this package and cmdline import only a few standard
// packages that ebiten needs too, and ebiten's ui waits for later ones
// (os/exec, runtime/cgo, text/template, ...), so this init runs first.
// The e2e test TestNoDisplay keeps that true across upgrades; the
// alternative, a launcher re-executing a second binary, would break
// `go run ./cmd/mailsim-view`.
package boot

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"mailsim/cmd/mailsim-view/internal/cmdline"
)

// Options is the parsed command line.
var Options cmdline.Options

func init() {
	o, err := cmdline.Parse(os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		os.Exit(2)
	}
	if err := cmdline.CheckDisplay(os.Getenv); err != nil {
		fmt.Fprintf(os.Stderr, "mailsim-view: %v\n", err)
		os.Exit(2)
	}
	Options = o
}

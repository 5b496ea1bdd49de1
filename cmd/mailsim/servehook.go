package main

import (
	"fmt"
	"io"
)

// serveSummary is the line of "serve" in the command list.
const serveSummary = "run the world in real time and expose its servers on loopback for real clients"

// serveMain runs "mailsim serve ARGS" and returns its exit status. The
// file that implements serve sets it in an init function; it parses its
// own flags (including --help, which must exit 0) and follows the exit
// statuses documented in the package comment.
var serveMain func(args []string, stdout, stderr io.Writer) int

func (c *cli) serve(args []string) int {
	if serveMain == nil && len(args) == 1 && isHelpFlag(args[0]) {
		fmt.Fprintf(c.stdout, "usage: mailsim serve [SCENARIO]\n\n%s.\n(Not available in this build.)\n", serveSummary)
		return exitOK
	}
	if serveMain == nil {
		fmt.Fprintf(c.stderr, "mailsim serve: not available in this build\n")
		return exitUsage
	}
	return serveMain(args, c.stdout, c.stderr)
}

func isHelpFlag(s string) bool { return s == "-h" || s == "-help" || s == "--help" }

// Command mailsim runs mail-system scenarios headless: it replays a
// simulated Internet of ISPs, routers and PCs in which real SMTP, POP3
// and DNS servers carry mail, prints what crossed each link and checks
// the scenario's expectations.
//
// Usage:
//
//	mailsim run [flags] [SCENARIO]      replay one scenario as fast as possible: its story
//	mailsim show [SCENARIO] --mailbox ADDR|--message ID|--queue HOST|--dns HOST|--journey ID [--at T]
//	                                    inspect a run at a virtual time
//	mailsim test [--junit FILE] [DIR|FILES...]
//	                                    run many scenarios, one line each
//	mailsim validate FILES...           check scenario files without running them
//	mailsim gen load [flags]            write a generated load scenario
//	mailsim serve [SCENARIO]            run the world in real time and expose its
//	                                    servers on loopback for real clients
//	mailsim web [--addr ADDR] [DIR]     serve the browser version of the window
//	                                    (built by make web) on loopback
//	mailsim help [COMMAND]              show help
//	mailsim version                     print the version
//
// A SCENARIO is a path to a YAML file (see scenarios/FORMAT.md) or, when
// no such file exists, the name of a scenario of the embedded library,
// with or without ".yaml" (e.g. "figure-a"). Without one, run uses the
// library's default scenario.
//
// Exit status:
//
//	0  everything held: every expectation of every scenario
//	1  an expectation failed (run), or some scenarios failed (test)
//	2  bad usage, or an invalid scenario (each error as file:line:col: message (hint))
//	3  the simulation itself failed, e.g. a stall
//
// mailsim never imports the graphical window (ebiten) and builds with
// CGO_ENABLED=0.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Exit statuses, as documented above and in the usage text.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
	exitSim   = 3
)

// version is set at link time (-ldflags "-X main.version=...").
var version = "dev"

// command is one subcommand.
type command struct {
	name    string
	args    string // the synopsis after the name
	summary string
	detail  string
	flags   func(fs *flag.FlagSet) func(args []string) int
}

// cli holds the streams of one invocation, so tests can run it in-process.
type cli struct {
	stdout, stderr io.Writer
	// exe is this program, which mailsim test -j starts as worker
	// processes; "" (tests in one process) runs scenarios in this one.
	exe string
}

func main() {
	tuneRuntime()
	c := &cli{stdout: os.Stdout, stderr: os.Stderr}
	c.exe, _ = os.Executable()
	stop := startProfiles(os.Stderr)
	code := c.main(os.Args[1:])
	stop()
	os.Exit(code)
}

// main dispatches args to a subcommand and returns the exit status. A
// panic anywhere on this goroutine becomes a one-line error and status 3.
func (c *cli) main(args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(c.stderr, "mailsim: internal error: %v\n", r)
			code = exitSim
		}
	}()
	if len(args) == 0 {
		c.usage(c.stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help", "help":
		if name == "help" && len(rest) > 0 && !isHelpFlag(rest[0]) {
			return c.help(rest[0])
		}
		c.usage(c.stdout)
		return exitOK
	case "version", "-version", "--version":
		fmt.Fprintf(c.stdout, "mailsim %s\n", version)
		return exitOK
	}
	switch name {
	case "serve":
		return c.serve(rest)
	case "web":
		return c.web(rest)
	}
	cmd := c.lookup(name)
	if cmd == nil {
		fmt.Fprintf(c.stderr, "mailsim: unknown command %q\n\n", name)
		c.usage(c.stderr)
		return exitUsage
	}
	return c.exec(cmd, rest)
}

// exec parses the flags of cmd from args and runs it.
func (c *cli) exec(cmd *command, args []string) int {
	fs := flag.NewFlagSet("mailsim "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	run := cmd.flags(fs)
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		c.commandHelp(c.stdout, cmd, fs)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "mailsim %s: %v\n", cmd.name, err)
		fmt.Fprintf(c.stderr, "usage: mailsim %s %s (see mailsim help %s)\n", cmd.name, cmd.args, cmd.name)
		return exitUsage
	}
	return run(pos)
}

// parseInterleaved parses flags that may come before or after the
// positional arguments ("mailsim run figure-a --quiet"); "--" ends the
// flags.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// flag stops at the first non-flag, or after "--".
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func (c *cli) commands() []*command {
	return []*command{c.runCommand(), c.showCommand(), c.testCommand(), c.validateCommand(), c.chaosCommand(), c.genCommand()}
}

func (c *cli) lookup(name string) *command {
	for _, cmd := range c.commands() {
		if cmd.name == name {
			return cmd
		}
	}
	return nil
}

// help prints the help of one command ("mailsim help run").
func (c *cli) help(name string) int {
	switch name {
	case "serve":
		return c.serve([]string{"--help"})
	case "web":
		return c.web([]string{"--help"})
	}
	cmd := c.lookup(name)
	if cmd == nil {
		fmt.Fprintf(c.stderr, "mailsim help: unknown command %q\n\n", name)
		c.usage(c.stderr)
		return exitUsage
	}
	fs := flag.NewFlagSet("mailsim "+cmd.name, flag.ContinueOnError)
	cmd.flags(fs)
	c.commandHelp(c.stdout, cmd, fs)
	return exitOK
}

func (c *cli) commandHelp(w io.Writer, cmd *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: mailsim %s %s\n\n%s\n", cmd.name, cmd.args, strings.TrimSpace(cmd.detail))
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if len(names) > 0 {
		fmt.Fprintf(w, "\nflags:\n")
		sort.Strings(names)
		for _, n := range names {
			f := fs.Lookup(n)
			arg, usage := flag.UnquoteUsage(f)
			if arg != "" {
				arg = " " + arg
			}
			fmt.Fprintf(w, "  --%s%s\n    \t%s\n", n, arg, usage)
		}
	}
	fmt.Fprint(w, exitText)
}

const exitText = `
exit status:
  0  everything held
  1  an expectation failed (run), or some scenarios failed or were invalid (test)
  2  bad usage, or an invalid scenario (errors as file:line:col: message (hint))
  3  the simulation itself failed (e.g. a stall)
serve exits 0 after Ctrl-C whatever its expectations say (it prints them).
`

func (c *cli) usage(w io.Writer) {
	fmt.Fprintf(w, "mailsim runs mail-system scenarios: real SMTP, POP3 and DNS servers in a simulated Internet.\n\nusage: mailsim COMMAND [flags] [args]\n\ncommands:\n")
	for _, cmd := range c.commands() {
		fmt.Fprintf(w, "  %-19s%s\n", cmd.name+" "+shortArgs(cmd), cmd.summary)
	}
	fmt.Fprintf(w, "  %-19s%s\n", "serve [SCENARIO]", serveSummary)
	fmt.Fprintf(w, "  %-19s%s\n", "web [DIR]", webSummary)
	fmt.Fprintf(w, "  %-19s%s\n", "help [COMMAND]", "show help for mailsim or one command")
	fmt.Fprintf(w, "  %-19s%s\n", "version", "print the version")
	fmt.Fprintf(w, `
A SCENARIO is a YAML file (scenarios/FORMAT.md) or, when no such file
exists, a scenario of the embedded library named with or without .yaml:
  %s
Without one, run uses the default, %s.
`, strings.Join(libraryNames(), ", "), defaultName())
	fmt.Fprint(w, exitText)
	fmt.Fprintf(w, "\nRun 'mailsim help COMMAND' (or 'mailsim COMMAND --help') for a command's flags.\n")
}

// shortArgs is the argument part shown in the command list.
func shortArgs(cmd *command) string {
	switch cmd.name {
	case "run":
		return "[SCENARIO]"
	case "test":
		return "[DIR|FILES]"
	case "show":
		return "[SCENARIO]"
	case "gen":
		return "load [flags]"
	default:
		return "FILES..."
	}
}

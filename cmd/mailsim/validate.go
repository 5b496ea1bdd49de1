package main

import (
	"flag"
	"fmt"

	"mailsim/servers/world"
)

const validateDetail = `
Check scenario files without running them: parse, apply defaults, resolve
names and addresses, and build the world (topology, routes, servers)
without starting the clock. Prints "ok FILE" for each valid file on
stdout, and every error of an invalid one on stderr as
file:line:col: message (hint). A library scenario may be named instead
of a file.`

func (c *cli) validateCommand() *command {
	return &command{
		name: "validate", args: "FILES...",
		summary: "check scenario files without running them",
		detail:  validateDetail,
		flags: func(fs *flag.FlagSet) func([]string) int {
			return func(args []string) int {
				if len(args) == 0 {
					fmt.Fprintf(c.stderr, "mailsim validate: name at least one scenario file\nusage: mailsim validate FILES...\n")
					return exitUsage
				}
				return c.validate(args)
			}
		},
	}
}

func (c *cli) validate(args []string) int {
	code := exitOK
	for _, arg := range args {
		sc, name, err := loadArg(arg)
		if err == nil {
			// Building catches what only the topology shows; the world
			// never runs, so no goroutine of it ever gets control.
			_, err = world.Build(sc, world.Options{})
		}
		if err != nil {
			printLoadError(c.stderr, "", err)
			code = exitUsage
			continue
		}
		printWarnings(c.stderr, sc)
		fmt.Fprintf(c.stdout, "ok %s\n", name)
	}
	return code
}

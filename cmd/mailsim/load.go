package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"mailsim/scenarios"
	"mailsim/sim/scenario"
)

// errNotFound says an argument names neither a file nor a library scenario.
var errNotFound = errors.New("no such file or library scenario")

// loadArg loads the scenario an argument names: a file if one exists at
// that path, else a scenario of the embedded library ("figure-a" or
// "figure-a.yaml"); "" is the library's default. It returns the name to
// show for the scenario. A scenario with errors yields a
// scenario.ErrorList.
func loadArg(arg string) (*scenario.Scenario, string, error) {
	data, name, err := readArg(arg)
	if err != nil {
		return nil, name, err
	}
	sc, err := scenario.Parse(name, data)
	return sc, name, err
}

// readArg reads the YAML loadArg parses, and names it (the path, or the
// library file's name).
func readArg(arg string) ([]byte, string, error) {
	if arg == "" {
		arg = scenarios.Default
	}
	if fi, err := os.Stat(arg); err == nil {
		if fi.IsDir() {
			return nil, arg, fmt.Errorf("%s: is a directory, not a scenario file", arg)
		}
		data, err := os.ReadFile(arg)
		return data, arg, err
	}
	name, ok := libraryName(arg)
	if !ok {
		return nil, arg, fmt.Errorf("%s: %w (library: %s)", arg, errNotFound, strings.Join(libraryNames(), ", "))
	}
	data, err := fs.ReadFile(scenarios.FS, name)
	return data, name, err
}

// libraryName maps "figure-a" or "figure-a.yaml" to the library file.
func libraryName(arg string) (string, bool) { return scenarios.Lookup(arg) }

// libraryNames lists the library without the .yaml suffix.
func libraryNames() []string {
	var out []string
	for _, n := range scenarios.List() {
		out = append(out, strings.TrimSuffix(n, ".yaml"))
	}
	return out
}

func defaultName() string { return strings.TrimSuffix(scenarios.Default, ".yaml") }

// expandArgs turns test's arguments into scenario arguments: a directory
// stands for its *.yaml and *.yml files, sorted; no argument stands for
// the whole library.
func expandArgs(args []string) ([]string, error) {
	if len(args) == 0 {
		return scenarios.List(), nil
	}
	var out []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil || !fi.IsDir() {
			out = append(out, a)
			continue
		}
		var files []string
		for _, pat := range []string{"*.yaml", "*.yml"} {
			m, err := filepath.Glob(filepath.Join(a, pat))
			if err != nil {
				return nil, err
			}
			files = append(files, m...)
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no *.yaml scenario files in this directory", a)
		}
		sort.Strings(files)
		out = append(out, files...)
	}
	return out, nil
}

// printLoadError writes a load error to w: every scenario error on its
// own line in file:line:col form, prefixed by indent.
func printLoadError(w io.Writer, indent string, err error) {
	for _, line := range loadErrorLines(err) {
		fmt.Fprintf(w, "%s%s\n", indent, line)
	}
}

// loadErrorLines splits a load error into lines, one per scenario error.
func loadErrorLines(err error) []string {
	var list scenario.ErrorList
	if errors.As(err, &list) {
		out := make([]string, len(list))
		for i, e := range list {
			out[i] = e.Error()
		}
		return out
	}
	var one *scenario.Error
	if errors.As(err, &one) {
		return []string{one.Error()}
	}
	return []string{err.Error()}
}

// printWarnings writes a valid scenario's warnings (expectations that
// can never hold) to w; they do not change the exit status.
func printWarnings(w io.Writer, sc *scenario.Scenario) {
	for _, e := range sc.Warnings {
		fmt.Fprintf(w, "warning: %s\n", e)
	}
}

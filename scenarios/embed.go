// Package scenarios embeds the scenario library: small YAML worlds that tell
// the story of "How Email Works" one step at a time. FORMAT.md describes the
// format; sim/scenario loads it.
package scenarios

import (
	"embed"
	"io/fs"
	"sort"
)

// FS holds every scenario file of the library.
//
//go:embed *.yaml
var FS embed.FS

// Default is the scenario shown when none is named: Figure B, Lisa sends
// Bob an email.
const Default = "figure-b.yaml"

// List returns the names of the library's scenario files, sorted.
func List() []string {
	names, err := fs.Glob(FS, "*.yaml")
	if err != nil { // only for a malformed pattern, which this is not
		return nil
	}
	sort.Strings(names)
	return names
}

package scenario

import (
	"bytes"
	"fmt"
)

// Validation that teaches: one mistake is reported once, where it is
// made, and not again at every place that names what it broke; and the
// common slips (a tab, a key indented one level too little) are named
// as what they are.

// broken records a host that is declared but could not be built (its
// own line has the error), so later references stay quiet.
func (nw *world) broken(name string) {
	if nw.brokenHosts == nil {
		nw.brokenHosts = map[string]bool{}
	}
	nw.brokenHosts[name] = true
}

// brokenUser records the mail address of a PC that could not be built.
func (nw *world) brokenUser(addr string) {
	if nw.brokenUsers == nil {
		nw.brokenUsers = map[string]bool{}
	}
	nw.brokenUsers[addr] = true
}

// misplacedKey is the hint for an ISP or host named like one of the keys
// an ISP or host takes: the key is indented one level too little, so
// YAML read it as a new entry.
func misplacedKey(name string, keys []string, what string) (string, bool) {
	for _, k := range keys {
		if name == k {
			return fmt.Sprintf("%q is a key of an %s: indent it as far as the other keys of the %s above it", name, what, what), true
		}
	}
	return "", false
}

// tabLines finds lines indented with a tab, which YAML forbids: the
// parser's own message ("found character that cannot start any token")
// does not say so. It returns 1-based line numbers and columns.
func tabLines(data []byte) [][2]int {
	var out [][2]int
	for i, line := range bytes.Split(data, []byte("\n")) {
		indent := line[:len(line)-len(bytes.TrimLeft(line, " \t"))]
		if j := bytes.IndexByte(indent, '\t'); j >= 0 {
			out = append(out, [2]int{i + 1, j + 1})
		}
	}
	return out
}

// reportTabs reports every tab-indented line; it returns false if none.
func (d *decoder) reportTabs(data []byte) bool {
	tabs := tabLines(data)
	for _, t := range tabs {
		d.errAt(Pos{Line: t[0], Col: t[1]}, "YAML indents with spaces only: replace the tab with spaces, e.g. two per level",
			"a tab indents line %d", t[0])
	}
	return len(tabs) > 0
}

package scenarios

import "strings"

// Lookup finds a library scenario by name, with or without ".yaml"
// ("figure-a" or "figure-a.yaml"). Paths never match.
func Lookup(name string) (string, bool) {
	if strings.ContainsAny(name, `/\`) {
		return "", false
	}
	if !strings.HasSuffix(name, ".yaml") {
		name += ".yaml"
	}
	for _, n := range List() {
		if n == name {
			return n, true
		}
	}
	return "", false
}

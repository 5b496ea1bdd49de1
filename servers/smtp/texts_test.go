package smtp

import "testing"

// Every rewrite has a literal prefix, so most replies skip its regexp.
func TestTextPrefixes(t *testing.T) {
	for _, r := range append(postfixTexts, dovecotTexts...) {
		if len(r.prefix) < 4 {
			t.Errorf("%s: prefix %q", r.re, r.prefix)
		}
	}
}

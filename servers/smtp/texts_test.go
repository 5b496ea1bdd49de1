package smtp

import "testing"

// Every rewrite has a literal prefix, so most replies skip its regexp;
// a prefix never takes in an optional or repeated part.
func TestTextPrefixes(t *testing.T) {
	for _, r := range append(postfixTexts, dovecotTexts...) {
		if len(r.prefix) < 4 {
			t.Errorf("%s: prefix %q", r.re, r.prefix)
		}
	}
	for re, want := range map[string]string{`\Aab?c`: "a", `\A1\.2x*`: "1.2", `\Ax(y)`: "x", `\A552 5\.3\.4 Max(imum)? `: "552 5.3.4 Max", `\Aa\d`: "a"} {
		if got := string(literalPrefix(re)); got != want {
			t.Errorf("literalPrefix(%s) = %q, want %q", re, got, want)
		}
	}
}

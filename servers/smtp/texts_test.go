package smtp

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// The rewrites as regular expressions, in the same order: what the hand
// matcher must do, byte for byte.
var (
	postfixRegexps = []string{
		`\A220 (\S+) ESMTP Service Ready\r\n\z`,
		`\A250-Hello [^\r\n]*\r\n`,
		`\A250 2\.0\.0 Hello [^\r\n]*\r\n\z`,
		`\A250 2\.0\.0 Roger, accepting mail from <[^\r\n]*>\r\n\z`,
		`\A250 2\.0\.0 I'll make sure <[^\r\n]*> gets this\r\n\z`,
		`\A354 Go ahead\. End your data with <CR><LF>\.<CR><LF>\r\n\z`,
		`\A250 2\.0\.0 Session reset\r\n\z`,
		`\A250 2\.0\.0 I have successfully done nothing\r\n\z`,
		`\A552 5\.3\.4 Max message size exceeded\r\n\z`,
		`\A552 5\.3\.4 Maximum message size exceeded\r\n\z`,
		`\A452 4\.5\.3 Maximum limit of \d+ recipients reached\r\n\z`,
	}
	dovecotRegexps = []string{
		`\A220 (\S+) LMTP Service Ready\r\n\z`,
		`\A250-Hello [^\r\n]*\r\n`,
		`\A250 2\.0\.0 Roger, accepting mail from <[^\r\n]*>\r\n\z`,
		`\A250 2\.0\.0 I'll make sure <[^\r\n]*> gets this\r\n\z`,
		`\A354 Go ahead\. End your data with <CR><LF>\.<CR><LF>\r\n\z`,
		`\A250 2\.0\.0 Session reset\r\n\z`,
		`\A250 2\.0\.0 I have successfully done nothing\r\n\z`,
	}
)

// byRegexp is rewriteText done with the regular expressions.
func byRegexp(b []byte, texts []textRewrite, res []string, hostname string) []byte {
	for i, r := range texts {
		re := regexp.MustCompile(res[i])
		if re.Match(b) {
			return re.ReplaceAll(b, []byte(strings.ReplaceAll(r.to, "{host}", hostname)))
		}
	}
	return b
}

// replies go-smtp writes, and near misses of each.
var replySamples = []string{
	"220 smtp.comentum.com ESMTP Service Ready\r\n",
	"220 lmtp.comentum.com LMTP Service Ready\r\n",
	"220 two words ESMTP Service Ready\r\n",
	"220  ESMTP Service Ready\r\n",
	"250-Hello lisa-pc\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
	"250-Hello \r\n250 SIZE 1000\r\n",
	"250-Hello x\n250 SIZE\r\n",
	"250 2.0.0 Hello lisa-pc\r\n",
	"250 2.0.0 Hello lisa-pc\r\nextra",
	"250 2.0.0 Roger, accepting mail from <lisa@otherisp.com>\r\n",
	"250 2.0.0 Roger, accepting mail from <>\r\n",
	"250 2.0.0 Roger, accepting mail from <a> b>\r\n",
	"250 2.0.0 Roger, accepting mail from <a\r>\r\n",
	"250 2.0.0 I'll make sure <bob@comentum.com> gets this\r\n",
	"354 Go ahead. End your data with <CR><LF>.<CR><LF>\r\n",
	"250 2.0.0 Session reset\r\n",
	"250 2.0.0 I have successfully done nothing\r\n",
	"552 5.3.4 Max message size exceeded\r\n",
	"552 5.3.4 Maximum message size exceeded\r\n",
	"552 5.3.4 Maxim message size exceeded\r\n",
	"452 4.5.3 Maximum limit of 100 recipients reached\r\n",
	"452 4.5.3 Maximum limit of  recipients reached\r\n",
	"452 4.5.3 Maximum limit of 1x recipients reached\r\n",
	"250 2.0.0 OK: queued as 3F2A1\r\n",
	"221 2.0.0 Bye\r\n",
	"",
	"250",
}

func TestTextRewrites(t *testing.T) {
	for _, set := range []struct {
		texts []textRewrite
		res   []string
	}{{postfixTexts, postfixRegexps}, {dovecotTexts, dovecotRegexps}} {
		if len(set.texts) != len(set.res) {
			t.Fatalf("%d rewrites, %d regexps", len(set.texts), len(set.res))
		}
		for _, s := range replySamples {
			got := rewriteText([]byte(s), set.texts, "mx.comentum.com")
			want := byRegexp([]byte(s), set.texts, set.res, "mx.comentum.com")
			if !bytes.Equal(got, want) {
				t.Errorf("%q: got %q, want %q", s, got, want)
			}
		}
	}
	if got := string(rewriteText([]byte(replySamples[0]), postfixTexts, "h")); got != "220 smtp.comentum.com ESMTP Postfix\r\n" {
		t.Errorf("greeting: %q", got)
	}
}

// FuzzRewrite checks the hand matcher against the regexps.
func FuzzRewrite(f *testing.F) {
	for _, s := range replySamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i, texts := range [][]textRewrite{postfixTexts, dovecotTexts} {
			res := [][]string{postfixRegexps, dovecotRegexps}[i]
			got := rewriteText([]byte(s), texts, "mx")
			want := byRegexp([]byte(s), texts, res, "mx")
			if !bytes.Equal(got, want) {
				t.Fatalf("%q: got %q, want %q", s, got, want)
			}
		}
	})
}

package smtp

import (
	"bytes"
	"strings"

	gosmtp "github.com/emersion/go-smtp"
)

// Postfix's words. go-smtp has its own texts for the replies it writes
// itself ("Roger, accepting mail from…"); the wire wrapper puts these in
// their place, so a student's trace reads like a real server's.

// rewriteText turns one go-smtp reply, as written in one Write, into a
// real server's (texts: postfixTexts, or dovecotTexts for LMTP). Only the
// texts change; codes stay go-smtp's unless the real server uses a more
// specific enhanced code (2.1.0 for MAIL, 2.1.5 for RCPT).
func rewriteText(b []byte, texts []textRewrite, hostname string) []byte {
	for i := range texts {
		if out, ok := texts[i].rewrite(b, hostname); ok {
			return out
		}
	}
	return b
}

// A textRewrite replaces one reply line of go-smtp's. Every server reply
// passes through these, so they are matched by hand, not by regexp:
// a line is pre, then the hole, then post, then CRLF.
type textRewrite struct {
	pre, post string
	hole      hole
	whole     bool   // the line must be the whole write (else the rest stays)
	to        string // $1 is what filled the hole; {host} the server's name
}

// A hole is what may stand between a rewrite's pre and post.
type hole int

const (
	noHole   hole = iota
	anyText       // any characters but CR and LF (regexp [^\r\n]*)
	oneWord       // one or more characters, no white space (\S+)
	someDigs      // one or more digits (\d+)
)

// text is a rewrite of a whole reply; firstLine only of a reply's first
// line. pattern holds at most one hole: {text}, {word} or {digits}.
func text(pattern, to string) textRewrite {
	r := textRewrite{whole: true, to: to}
	r.pre, r.post, r.hole = splitHole(strings.TrimSuffix(pattern, "\r\n"))
	return r
}

func firstLine(pattern, to string) textRewrite {
	r := text(pattern, to)
	r.whole = false
	return r
}

func splitHole(p string) (pre, post string, h hole) {
	for kind, name := range []string{anyText: "{text}", oneWord: "{word}", someDigs: "{digits}"} {
		if pre, post, ok := strings.Cut(p, name); ok && name != "" {
			return pre, post, hole(kind)
		}
	}
	return p, "", noHole
}

// rewrite returns b with its first line replaced, if that line matches.
func (r *textRewrite) rewrite(b []byte, hostname string) ([]byte, bool) {
	if len(b) < len(r.pre) || string(b[:len(r.pre)]) != r.pre {
		return nil, false
	}
	n := bytes.IndexAny(b, "\r\n")
	if n < 0 || !bytes.HasPrefix(b[n:], []byte("\r\n")) || (r.whole && n+2 != len(b)) {
		return nil, false
	}
	line := b[:n]
	if len(line) < len(r.pre)+len(r.post) || string(line[len(line)-len(r.post):]) != r.post {
		return nil, false
	}
	fill := line[len(r.pre) : len(line)-len(r.post)]
	if !r.hole.holds(fill) {
		return nil, false
	}
	to := strings.ReplaceAll(r.to, "{host}", hostname)
	out := make([]byte, 0, len(to)+len(fill)+len(b)-n-2)
	before, after, capture := strings.Cut(to, "$1")
	out = append(out, before...)
	if capture {
		out = append(append(out, fill...), after...)
	}
	return append(out, b[n+2:]...), true
}

func (h hole) holds(fill []byte) bool {
	switch h {
	case noHole:
		return len(fill) == 0
	case anyText:
		return true // the line has no CR or LF
	case oneWord:
		return len(fill) > 0 && !bytes.ContainsAny(fill, " \t\n\f\r")
	default:
		if len(fill) == 0 {
			return false
		}
		for _, c := range fill {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
}

var postfixTexts = []textRewrite{
	// RFC 5321 §4.2: the greeting names the host; Postfix adds its own name.
	text("220 {word} ESMTP Service Ready\r\n", "220 $1 ESMTP Postfix\r\n"),
	// EHLO: Postfix's first line is its host name, not a greeting.
	firstLine("250-Hello {text}\r\n", "250-{host}\r\n"),
	text("250 2.0.0 Hello {text}\r\n", "250 {host}\r\n"),
	text("250 2.0.0 Roger, accepting mail from <{text}>\r\n", "250 2.1.0 Ok\r\n"),
	text("250 2.0.0 I'll make sure <{text}> gets this\r\n", "250 2.1.5 Ok\r\n"),
	text("354 Go ahead. End your data with <CR><LF>.<CR><LF>\r\n", "354 End data with <CR><LF>.<CR><LF>\r\n"),
	text("250 2.0.0 Session reset\r\n", "250 2.0.0 Ok\r\n"),
	text("250 2.0.0 I have successfully done nothing\r\n", "250 2.0.0 Ok\r\n"),
	// RFC 1870 §6.1 and §6.2; RFC 5321 §4.5.3.1.10.
	text("552 5.3.4 Max message size exceeded\r\n", "552 5.3.4 Message size exceeds fixed limit\r\n"),
	text("552 5.3.4 Maximum message size exceeded\r\n", "552 5.3.4 Message size exceeds fixed limit\r\n"),
	text("452 4.5.3 Maximum limit of {digits} recipients reached\r\n", "452 4.5.3 Error: too many recipients\r\n"),
}

// queuedAs is the reply to the end of DATA once the message is queued,
// with its queue id as Postfix gives it. go-smtp writes a 250 the
// session returns as it is.
func queuedAs(id string) *gosmtp.SMTPError {
	return &gosmtp.SMTPError{Code: 250, EnhancedCode: gosmtp.EnhancedCode{2, 0, 0}, Message: "Ok: queued as " + id}
}

// wireText is a reply as on the wire, without the CRLF.
func wireText(se *gosmtp.SMTPError) string {
	r := wireReply(se)
	return string(r[:len(r)-2])
}

package smtp

import (
	"bytes"
	"regexp"
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
	for _, r := range texts {
		if bytes.HasPrefix(b, r.prefix) && r.re.Match(b) {
			return r.re.ReplaceAll(b, []byte(strings.ReplaceAll(r.to, "{host}", hostname)))
		}
	}
	return b
}

type textRewrite struct {
	re     *regexp.Regexp
	prefix []byte // every match starts so: most replies skip the regexp
	to     string // {host} is the server's host name
}

func text(re, to string) textRewrite {
	// regexp finds the literal prefix only without the \A anchor.
	prefix, _ := regexp.MustCompile(strings.TrimPrefix(re, `\A`)).LiteralPrefix()
	return textRewrite{regexp.MustCompile(re), []byte(prefix), to}
}

var postfixTexts = []textRewrite{
	// RFC 5321 §4.2: the greeting names the host; Postfix adds its own name.
	text(`\A220 (\S+) ESMTP Service Ready\r\n\z`, "220 $1 ESMTP Postfix\r\n"),
	// EHLO: Postfix's first line is its host name, not a greeting.
	text(`\A250-Hello [^\r\n]*\r\n`, "250-{host}\r\n"),
	text(`\A250 2\.0\.0 Hello [^\r\n]*\r\n\z`, "250 {host}\r\n"),
	text(`\A250 2\.0\.0 Roger, accepting mail from <[^\r\n]*>\r\n\z`, "250 2.1.0 Ok\r\n"),
	text(`\A250 2\.0\.0 I'll make sure <[^\r\n]*> gets this\r\n\z`, "250 2.1.5 Ok\r\n"),
	text(`\A354 Go ahead\. End your data with <CR><LF>\.<CR><LF>\r\n\z`, "354 End data with <CR><LF>.<CR><LF>\r\n"),
	text(`\A250 2\.0\.0 (Session reset|I have successfully done nothing)\r\n\z`, "250 2.0.0 Ok\r\n"),
	// RFC 1870 §6.1 and §6.2; RFC 5321 §4.5.3.1.10.
	text(`\A552 5\.3\.4 Max(imum)? message size exceeded\r\n\z`, "552 5.3.4 Message size exceeds fixed limit\r\n"),
	text(`\A452 4\.5\.3 Maximum limit of \d+ recipients reached\r\n\z`, "452 4.5.3 Error: too many recipients\r\n"),
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

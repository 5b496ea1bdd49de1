package smtp

import (
	"bytes"
	"strings"

	gosmtp "github.com/emersion/go-smtp"
)

// Input hygiene at the edge of the server: HELO names, NUL bytes, and
// what may be echoed back in a reply.

// maxHeloName is the longest HELO/EHLO argument taken: a domain name is
// at most 255 octets (RFC 1035 §2.3.4). Longer names would also make
// the Received line we add too long for the next hop (RFC 5321 §4.5.3.1.6).
const maxHeloName = 255

// validHelo reports whether name is an RFC 5321 §4.1.2 Domain or
// address-literal, as Postfix's reject_invalid_helo_hostname checks it
// (it also lets "_" through, as Postfix does).
func validHelo(name string) bool {
	if name == "" || len(name) > maxHeloName {
		return false
	}
	if name[0] == '[' {
		return name[len(name)-1] == ']' && len(name) > 2 && !strings.ContainsAny(name[1:len(name)-1], "[]\\ ") && printable(name)
	}
	for _, label := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// heloArg returns the argument of a HELO/EHLO/LHLO command line.
func heloArg(text string) (verb, arg string, ok bool) {
	verb, arg, _ = strings.Cut(text, " ")
	switch strings.ToUpper(verb) {
	case "HELO", "EHLO":
		return verb, strings.TrimSpace(arg), true
	}
	return "", "", false
}

// goSMTPNoHelo is go-smtp's reply to a HELO without an argument; a bad
// name is sent to go-smtp that way, and this reply replaced by ours.
var goSMTPNoHelo = []byte("501 5.5.2 Domain/address argument required for HELO\r\n")

// heloRejected is Postfix's reply to an invalid HELO name (smtpd
// reject_invalid_helo_hostname), with the name shortened for the reply.
func heloRejected(name string) []byte {
	if len(name) > 64 {
		name = name[:64] + "..."
	}
	return wireReply(reply(501, gosmtp.EnhancedCode{5, 5, 2}, "<%s>: Helo command rejected: Invalid name", name))
}

// errContentRejected refuses a message with NUL bytes, as Postfix does
// with message_reject_characters = \0 (a NUL is not text, RFC 5322 §2.3).
var errContentRejected = reply(550, gosmtp.EnhancedCode{5, 7, 1}, "message content rejected")

// sanitizeReply replaces control and non-ASCII bytes a reply may echo
// from the client (a NUL in an address) with "?", so the client gets
// text; the CRLF ending each line stays.
func sanitizeReply(b []byte) []byte {
	var out []byte // a copy, once there is something to replace
	for i, c := range b {
		if (c < ' ' || c > '~') && !(c == '\r' && i+1 < len(b) && b[i+1] == '\n') && !(c == '\n' && i > 0 && b[i-1] == '\r') {
			if out == nil {
				out = bytes.Clone(b)
			}
			out[i] = '?'
		}
	}
	if out == nil {
		return b
	}
	return out
}

// sanitizeHelo keeps a client's HELO argument from breaking the syntax
// of the trace field it is copied into, and its length from breaking the
// field's line.
func sanitizeHelo(h string) string {
	if h == "" {
		return "unknown"
	}
	if len(h) > maxHeloName {
		h = h[:maxHeloName]
	}
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r > '~' || strings.ContainsRune(`()<>;"\`, r) {
			return '?'
		}
		return r
	}, h)
}

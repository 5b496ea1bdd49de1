package service

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

var (
	reIMAPCmd  = regexp.MustCompile(`^(\S+) (?:UID )?(\S+)\s*(.*)$`)
	reIMAPResp = regexp.MustCompile(`^\* (\d+) (\w+)`)
	reHTTPReq  = regexp.MustCompile(`^(GET|POST|HEAD|PUT|DELETE|OPTIONS) (\S+) HTTP/\d`)
	reHTTPResp = regexp.MustCompile(`^HTTP/\d(?:\.\d)? (\d{3})\s*(.*)$`)
)

// imapCaption explains an IMAP line (RFC 3501): a tagged command from the
// client, an untagged (*) or tagged reply from the server.
func imapCaption(t Talk) string {
	s, from, to := t.Summary, Capital(t.From), t.To
	if !t.Client {
		if m := reIMAPResp.FindStringSubmatch(s); m != nil {
			switch strings.ToUpper(m[2]) {
			case "FETCH":
				if strings.Contains(s, "BODY[]") || strings.Contains(s, "RFC822 ") {
					return fmt.Sprintf("%s sends message %s, and keeps it.", from, m[1])
				}
				return fmt.Sprintf("%s answers about message %s.", from, m[1])
			case "EXISTS":
				return fmt.Sprintf("%s says INBOX holds %s messages.", from, m[1])
			case "EXPUNGE":
				return fmt.Sprintf("%s says message %s is gone for good.", from, m[1])
			}
		}
		f := strings.Fields(s)
		switch {
		case len(f) >= 2 && f[0] == "*" && f[1] == "OK":
			return fmt.Sprintf("%s is ready (%s).", from, s)
		case len(f) >= 2 && f[1] == "NO", len(f) >= 2 && f[1] == "BAD":
			return fmt.Sprintf("%s refuses: %s", from, strings.Join(f[2:], " "))
		case len(f) >= 2 && f[1] == "OK":
			return fmt.Sprintf("%s agrees (%s).", from, strings.Join(f[2:], " "))
		}
		return fmt.Sprintf("%s answers: %s", from, s)
	}
	m := reIMAPCmd.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	arg := strings.ToUpper(m[3])
	switch strings.ToUpper(m[2]) {
	case "LOGIN", "AUTHENTICATE":
		return fmt.Sprintf("%s logs in to %s on TCP port %d.", from, to, t.Port)
	case "SELECT", "EXAMINE":
		return fmt.Sprintf("%s opens the INBOX folder on %s (port %d).", from, to, t.Port)
	case "FETCH":
		switch {
		case strings.Contains(arg, "BODY[]") || strings.Contains(arg, "RFC822)") || strings.HasSuffix(arg, "RFC822"):
			return fmt.Sprintf("%s asks %s for a whole message (port %d); the copy on the server stays.", from, to, t.Port)
		case strings.Contains(arg, "HEADER") || strings.Contains(arg, "ENVELOPE"):
			return fmt.Sprintf("%s asks %s for the list of messages: who from, what about (port %d).", from, to, t.Port)
		}
		return fmt.Sprintf("%s asks %s about the messages (port %d).", from, to, t.Port)
	case "STORE":
		switch {
		case strings.Contains(arg, `\DELETED`):
			return fmt.Sprintf("%s marks a message for deletion (\\Deleted).", from)
		case strings.Contains(arg, `\SEEN`):
			return fmt.Sprintf("%s marks a message as read (\\Seen).", from)
		}
		return fmt.Sprintf("%s changes a message's flags.", from)
	case "EXPUNGE":
		return fmt.Sprintf("%s asks %s to remove the messages marked for deletion.", from, to)
	case "SEARCH":
		return fmt.Sprintf("%s searches the mailbox.", from)
	case "NOOP", "CHECK":
		return fmt.Sprintf("%s asks whether anything changed.", from)
	case "LOGOUT":
		return fmt.Sprintf("%s says goodbye (LOGOUT); the mail stays on the server.", from)
	case "CAPABILITY":
		return fmt.Sprintf("%s asks what the server can do (CAPABILITY).", from)
	case "LIST", "LSUB":
		return fmt.Sprintf("%s asks which folders there are.", from)
	}
	return ""
}

// httpSummary is the request line or status line of an HTTP segment,
// or the size of a segment that carries the rest of a page.
func httpSummary(_ string, p []byte) string {
	line := p
	if i := bytes.IndexByte(p, '\n'); i >= 0 {
		line = p[:i]
	}
	l := strings.TrimRight(string(line), "\r")
	if reHTTPReq.MatchString(l) || reHTTPResp.MatchString(l) {
		return l
	}
	return fmt.Sprintf("(%d more bytes of the page)", len(p))
}

// httpPages names what a Web Mail path is, for captions.
var httpPages = map[string]string{
	"/": "the front page", "/login": "the login page", "/inbox": "the inbox",
	"/read": "a message", "/compose": "the page to write a message", "/send": "to send a message",
	"/delete": "to delete a message", "/logout": "to log out",
}

// httpCaption explains an HTTP request or reply (RFC 9110, RFC 9112).
func httpCaption(t Talk) string {
	s, from, to := t.Summary, Capital(t.From), t.To
	if !t.Client {
		m := reHTTPResp.FindStringSubmatch(s)
		if m == nil {
			return fmt.Sprintf("%s sends more of the page.", from)
		}
		switch m[1][0] {
		case '2':
			return fmt.Sprintf("%s sends the page (%s %s).", from, m[1], m[2])
		case '3':
			return fmt.Sprintf("%s sends the browser on to another page (%s %s).", from, m[1], m[2])
		}
		return fmt.Sprintf("%s refuses (%s %s).", from, m[1], m[2])
	}
	m := reHTTPReq.FindStringSubmatch(s)
	if m == nil {
		return fmt.Sprintf("%s sends the rest of the form.", from)
	}
	path := m[2]
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	what, ok := httpPages[path]
	if !ok {
		what = path
	}
	if m[1] == "POST" {
		if strings.HasPrefix(what, "to ") {
			return fmt.Sprintf("%s asks %s %s (HTTP POST %s, port %d).", from, to, what, m[2], t.Port)
		}
		return fmt.Sprintf("%s sends a form to %s (HTTP POST %s, port %d).", from, to, m[2], t.Port)
	}
	what = strings.TrimPrefix(what, "to ")
	return fmt.Sprintf("%s asks %s for %s (HTTP %s %s, port %d).", from, to, what, m[1], m[2], t.Port)
}

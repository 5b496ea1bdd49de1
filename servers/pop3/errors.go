package pop3

import (
	"errors"
	"strings"
)

// Error is a -ERR reply. The server sends a backend's *Error as is, so a
// backend chooses the RFC 2449 response code; the client returns one for
// every -ERR it reads.
type Error struct {
	// Code is the response code between brackets, such as "AUTH",
	// "IN-USE" or "SYS/TEMP" (RFC 2449 section 8, RFC 3206); empty if the
	// reply had none.
	Code string
	// Text is the human-readable rest of the reply.
	Text string
}

func (e *Error) Error() string {
	if e.Code != "" {
		return "pop3: -ERR [" + e.Code + "] " + e.Text
	}
	return "pop3: -ERR " + e.Text
}

// Errors a Backend returns from Login; the server answers with their codes.
var (
	// ErrAuthFailed: the user name or password is wrong (RFC 3206 [AUTH]).
	ErrAuthFailed = &Error{Code: "AUTH", Text: "invalid user name or password"}
	// ErrInUse: another session holds the maildrop lock (RFC 2449 [IN-USE]).
	ErrInUse = &Error{Code: "IN-USE", Text: "maildrop already locked by another session"}
)

// ErrLineTooLong is returned when a line exceeds its length limit.
var ErrLineTooLong = errors.New("pop3: line too long")

// ProtocolError is a reply the client could not make sense of: neither
// +OK nor -ERR, or a malformed multi-line body.
type ProtocolError struct {
	Line string // the offending line, truncated for display
	Msg  string
}

func (e *ProtocolError) Error() string {
	return "pop3: protocol error: " + e.Msg + ": " + quoteLine(e.Line)
}

// parseErr splits "[CODE] text" into an *Error.
func parseErr(rest string) *Error {
	if strings.HasPrefix(rest, "[") {
		if i := strings.IndexByte(rest, ']'); i > 0 {
			return &Error{Code: rest[1:i], Text: strings.TrimSpace(rest[i+1:])}
		}
	}
	return &Error{Text: rest}
}

// quoteLine makes a wire line safe and short enough to show in an error.
func quoteLine(s string) string {
	const max = 80
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strings.ToValidUTF8(strconvQuote(s), "?")
}

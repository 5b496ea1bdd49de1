package mua

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
)

// Compose writes an RFC 5322 message from the account's user: From, To,
// Subject, Date (the host's clock), a Message-ID from the host's seeded
// random source, and a MIME text/plain body. ASCII bodies with short
// lines go as 7bit, so the trace stays readable; anything else is
// quoted-printable.
func (p *Program) Compose(to []string, subject, body string) ([]byte, error) {
	msg, _, err := p.compose(to, subject, body)
	return msg, err
}

// compose is Compose, which also returns the Message-ID it wrote
// ("<…>"), so that Send need not parse the message to find it.
func (p *Program) compose(to []string, subject, body string) (msg []byte, id string, err error) {
	if len(to) == 0 {
		return nil, "", errors.New("mua: no recipients")
	}
	from, err := mail.ParseAddress(p.acct.Address)
	if err != nil {
		return nil, "", fmt.Errorf("mua: account address %q: %w", p.acct.Address, err)
	}
	from.Name = p.acct.Name
	rcpts := make([]*mail.Address, len(to))
	for i, a := range to {
		if rcpts[i], err = mail.ParseAddress(a); err != nil {
			return nil, "", fmt.Errorf("mua: recipient %q: %w", a, err)
		}
	}
	now := p.e.Now()
	body = crlf(body)
	cte := "quoted-printable"
	if plain7bit(body) {
		cte = "7bit"
	}
	// go-message writes header fields last-added first, so they are
	// added here bottom-up to come out in the customary order. AddRaw
	// keeps the RFC spellings "MIME-Version" and "Message-ID".
	var h mail.Header
	h.Set("Content-Transfer-Encoding", cte)
	h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	h.AddRaw([]byte("MIME-Version: 1.0\r\n"))
	id = "<" + p.messageID(now) + ">"
	h.AddRaw([]byte("Message-ID: " + id + "\r\n"))
	h.SetSubject(subject)
	h.SetAddressList("To", rcpts)
	h.SetAddressList("From", []*mail.Address{from})
	h.SetDate(now)
	var buf bytes.Buffer
	w, err := mail.CreateSingleInlineWriter(&buf, h)
	if err != nil {
		return nil, "", fmt.Errorf("mua: writing message: %w", err)
	}
	if _, err := w.Write([]byte(body)); err != nil {
		return nil, "", fmt.Errorf("mua: writing message: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, "", fmt.Errorf("mua: writing message: %w", err)
	}
	return buf.Bytes(), id, nil
}

// messageID is unique per host and send: time, then randomness from the
// host's seeded source, so a rerun of a scenario gives the same IDs.
func (p *Program) messageID(now time.Time) string {
	host := p.acct.domain()
	if host == "" {
		host = p.e.Name()
	}
	return fmt.Sprintf("%s.%016x@%s", now.UTC().Format("20060102150405"), p.e.Rand().Uint64(), host)
}

// crlf turns any line ending into CRLF and ends the body with one.
func crlf(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// plain7bit: only printable ASCII, tabs and CRLF, and lines within the
// 998-octet limit of RFC 5322 section 2.1.1.
func plain7bit(s string) bool {
	for _, line := range strings.Split(s, "\r\n") {
		if len(line) > 998 {
			return false
		}
		for i := 0; i < len(line); i++ {
			if c := line[i]; (c < 0x20 && c != '\t') || c > 0x7e {
				return false
			}
		}
	}
	return true
}

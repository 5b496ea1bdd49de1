package imap

import (
	"bufio"
	"bytes"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-message/textproto"
)

func (s *session) Search(kind imapserver.NumKind, c *imap.SearchCriteria, _ *imap.SearchOptions) (*imap.SearchData, error) {
	var seqs imap.SeqSet
	var uids imap.UIDSet
	d := &imap.SearchData{}
	for _, p := range s.pick(imap.SeqSet{{Start: 1, Stop: 0}}) {
		if !s.matches(p, c) {
			continue
		}
		n := p.seq
		if kind == imapserver.NumKindUID {
			n = p.msg.ID
		}
		seqs.AddNum(p.seq)
		uids.AddNum(imap.UID(p.msg.ID))
		if d.Min == 0 || n < d.Min {
			d.Min = n
		}
		if n > d.Max {
			d.Max = n
		}
		d.Count++
	}
	d.All = seqs
	if kind == imapserver.NumKindUID {
		d.All = uids
	}
	return d, nil
}

// matches applies the criteria RFC 3501 section 6.4.4 lists that a
// mail program asks for: numbers, flags, dates, sizes, headers and text.
func (s *session) matches(p picked, c *imap.SearchCriteria) bool {
	m := p.msg

	for _, set := range c.SeqNum {
		if !contains(set, p.seq, m.ID, s.view) {
			return false
		}
	}
	for _, set := range c.UID {
		if !contains(set, p.seq, m.ID, s.view) {
			return false
		}
	}
	for _, f := range c.Flag {
		if !m.HasFlag(string(f)) {
			return false
		}
	}
	for _, f := range c.NotFlag {
		if m.HasFlag(string(f)) {
			return false
		}
	}
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	if !c.Since.IsZero() && day(m.Delivered).Before(day(c.Since)) ||
		!c.Before.IsZero() && !day(m.Delivered).Before(day(c.Before)) {
		return false
	}
	if c.Larger > 0 && int64(len(m.Data)) <= c.Larger || c.Smaller > 0 && int64(len(m.Data)) >= c.Smaller {
		return false
	}
	if len(c.Header) > 0 { // parsed only for a criterion that reads it
		h := header(m.Data)
		for _, f := range c.Header {
			if !containsFold(strings.Join(h.Values(f.Key), "\n"), f.Value) {
				return false
			}
		}
	}
	if len(c.Body) > 0 {
		body := m.Data
		if i := bytes.Index(body, []byte("\r\n\r\n")); i >= 0 {
			body = body[i+4:]
		}
		for _, t := range c.Body {
			if !containsFold(string(body), t) {
				return false
			}
		}
	}
	for _, t := range c.Text {
		if !containsFold(string(m.Data), t) {
			return false
		}
	}
	for i := range c.Not {
		if s.matches(p, &c.Not[i]) {
			return false
		}
	}
	for i := range c.Or {
		if !s.matches(p, &c.Or[i][0]) && !s.matches(p, &c.Or[i][1]) {
			return false
		}
	}
	return true
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

func header(data []byte) textproto.Header {
	h, _ := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(data)))
	return h
}

// envelope is the ENVELOPE of a message (RFC 3501 section 7.4.2).
func envelope(data []byte) *imap.Envelope {
	return imapserver.ExtractEnvelope(header(data))
}

package smtp

import (
	"bytes"
	"strings"
	"time"
)

// formatDate is the RFC 5322 §3.3 date-time form.
func formatDate(t time.Time) string { return t.Format(time.RFC1123Z) }

// toCRLF turns bare LF line ends into CRLF, the form the store and the
// wire use. Bare CRs are left alone.
func toCRLF(data []byte) []byte {
	if !bytes.Contains(data, []byte("\n")) {
		return data
	}
	out := make([]byte, 0, len(data)+len(data)/32)
	for i, c := range data {
		if c == '\n' && (i == 0 || data[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}

// splitMessage splits a CRLF message into its header section (each field
// line with its CRLF, no blank line) and its body. A message that starts
// with something other than a header field is all body, as RFC 5322 §2.1
// allows.
func splitMessage(data []byte) (header, body []byte) {
	pos := 0
	for pos < len(data) {
		end := bytes.Index(data[pos:], []byte("\r\n"))
		var line []byte
		next := len(data)
		if end >= 0 {
			line, next = data[pos:pos+end], pos+end+2
		} else {
			line = data[pos:]
		}
		switch {
		case len(line) == 0:
			return data[:pos], data[next:]
		case line[0] == ' ' || line[0] == '\t':
			if pos == 0 { // a continuation with nothing to continue
				return nil, data
			}
		case !isFieldLine(line):
			return data[:pos], data[pos:]
		}
		pos = next
	}
	return data, nil
}

// isFieldLine reports whether line starts "name:" with an RFC 5322 ftext
// field name.
func isFieldLine(line []byte) bool {
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return false
	}
	for _, c := range line[:colon] {
		if c < 33 || c > 126 {
			return false
		}
	}
	return true
}

// countFields counts header fields called name (case-insensitive).
func countFields(header []byte, name string) int {
	n := 0
	for _, line := range bytes.Split(header, []byte("\r\n")) {
		colon := bytes.IndexByte(line, ':')
		if colon > 0 && line[0] != ' ' && line[0] != '\t' && strings.EqualFold(string(line[:colon]), name) {
			n++
		}
	}
	return n
}

// fieldValue is the unfolded value of the first header field called
// name, "" if there is none.
func fieldValue(header []byte, name string) string {
	var val []byte
	found := false
	for _, line := range bytes.Split(header, []byte("\r\n")) {
		if found {
			if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
				val = append(val, line...)
				continue
			}
			break
		}
		colon := bytes.IndexByte(line, ':')
		if colon > 0 && line[0] != ' ' && line[0] != '\t' && strings.EqualFold(string(line[:colon]), name) {
			val, found = append(val, line[colon+1:]...), true
		}
	}
	return strings.TrimSpace(string(val))
}

// joinMessage puts a message back together with extra fields: top goes
// above the existing header (trace fields, RFC 5321 §4.4), bottom below.
func joinMessage(top string, header []byte, bottom string, body []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(top) + len(header) + len(bottom) + 2 + len(body))
	b.WriteString(top)
	b.Write(header)
	b.WriteString(bottom)
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// receivedField builds a Received trace field (RFC 5321 §4.4) for a
// message that arrived from helo at ip and got queue id id here.
func receivedField(helo, ip, by, with, id string, t time.Time) string {
	return "Received: from " + sanitizeHelo(helo) + " ([" + ip + "])\r\n" +
		"\tby " + by + " with " + with + " id " + id + ";\r\n" +
		"\t" + formatDate(t) + "\r\n"
}

// stripReturnPath removes Return-Path fields: only the final delivery
// adds one (RFC 5321 §4.4), so one arriving from a client is dropped.
func stripReturnPath(header []byte) []byte {
	if countFields(header, "Return-Path") == 0 {
		return header
	}
	var out bytes.Buffer
	skipping := false
	for _, line := range bytes.SplitAfter(header, []byte("\r\n")) {
		if len(line) == 0 {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			if !skipping {
				out.Write(line)
			}
			continue
		}
		colon := bytes.IndexByte(line, ':')
		skipping = colon > 0 && strings.EqualFold(string(line[:colon]), "Return-Path")
		if !skipping {
			out.Write(line)
		}
	}
	return out.Bytes()
}

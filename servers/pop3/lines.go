package pop3

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
)

// lineReader reads CRLF (or bare LF) terminated lines of bounded length.
// An overlong line is consumed to its end and reported as ErrLineTooLong,
// so the stream stays in step for the next line.
type lineReader struct {
	r   *bufio.Reader
	max int
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 4096), max: max}
}

// readLine returns one line without its terminator. At EOF after a
// partial line it returns the partial line's error, not the fragment:
// a command cut short is not a command.
func (lr *lineReader) readLine() (string, error) {
	var buf []byte
	tooLong := false
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > lr.max+2 { // +2: room for the CRLF
				tooLong = true
				buf = nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			return "", err
		}
		break
	}
	if tooLong {
		return "", ErrLineTooLong
	}
	buf = bytes.TrimSuffix(buf[:len(buf)-1], []byte("\r"))
	if len(buf) > lr.max {
		return "", ErrLineTooLong
	}
	return string(buf), nil
}

// writeDotStuffed writes data as a multi-line response body (RFC 1939
// section 3): lines end in CRLF even if stored with a bare LF, a line that
// starts with "." gets another ".", and ".\r\n" ends the body. If
// maxBodyLines >= 0, only the header, the blank line and that many body
// lines are written (TOP).
func writeDotStuffed(w *bufio.Writer, data []byte, maxBodyLines int) error {
	inBody := false
	bodyLines := 0
	for len(data) > 0 {
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if maxBodyLines >= 0 && inBody {
			if bodyLines >= maxBodyLines {
				break
			}
			bodyLines++
		}
		if len(line) > 0 && line[0] == '.' {
			w.WriteByte('.')
		}
		w.Write(line)
		w.WriteString("\r\n")
		if len(line) == 0 {
			inBody = true
		}
	}
	_, err := w.WriteString(".\r\n")
	return err
}

// wireSize is the size of data once its line endings are CRLF, before
// dot-stuffing: the "exact size" RFC 1939 wants from LIST and STAT.
func wireSize(data []byte) int {
	n := len(data)
	for i, b := range data {
		if b == '\n' && (i == 0 || data[i-1] != '\r') {
			n++
		}
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n += 2
	}
	return n
}

func strconvQuote(s string) string { return strconv.Quote(s) }

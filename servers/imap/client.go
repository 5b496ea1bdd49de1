package imap

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"mailsim/servers/env"
)

// Client is a small IMAP4rev1 client that reads every response in the
// caller's goroutine, so it runs on the simulated network (package doc).
// It does what a mail program and Web Mail need: LOGIN, SELECT, UID FETCH,
// UID STORE, EXPUNGE, LOGOUT. It is not safe for concurrent use.
type Client struct {
	Greeting string

	nc      net.Conn
	r       *bufio.Reader
	w       *bufio.Writer
	e       env.Env
	timeout time.Duration
	tag     int
}

// Error is a NO or BAD reply (or a BYE), with the server's text.
type Error struct {
	Status string // "NO", "BAD" or "BYE"
	Text   string
}

func (e *Error) Error() string { return "imap: " + e.Status + " " + e.Text }

// maxLiteral bounds one literal a server may send us.
const maxLiteral = 64 << 20

// NewClient reads the greeting on conn. While it waits for the server,
// each read may take timeout of e's clock (virtual in the simulation);
// timeout <= 0 or a nil e sets no deadlines.
func NewClient(conn net.Conn, e env.Env, timeout time.Duration) (*Client, error) {
	c := &Client{nc: conn, r: bufio.NewReader(conn), w: bufio.NewWriter(conn), e: e, timeout: timeout}
	c.arm()
	line, err := c.readLine()
	if err != nil {
		return nil, fmt.Errorf("imap: reading greeting: %w", err)
	}
	switch {
	case strings.HasPrefix(line, "* OK"):
		c.Greeting = strings.TrimSpace(strings.TrimPrefix(line, "* OK"))
	case strings.HasPrefix(line, "* BYE"):
		return nil, &Error{Status: "BYE", Text: strings.TrimSpace(line[5:])}
	default:
		return nil, fmt.Errorf("imap: unexpected greeting %q", line)
	}
	return c, nil
}

// Close closes the connection without LOGOUT.
func (c *Client) Close() error { return c.nc.Close() }

func (c *Client) arm() {
	if c.e != nil && c.timeout > 0 {
		c.nc.SetDeadline(c.e.Deadline(c.timeout))
	}
}

func (c *Client) readLine() (string, error) {
	line, err := c.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// Quote makes an IMAP quoted string.
func Quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// Untagged is one untagged response: "* 3 EXISTS" has Num 3, Word
// "EXISTS"; a FETCH has its parsed items in Fetch.
type Untagged struct {
	Num   uint32
	Word  string
	Text  string  // the rest of the line, for responses other than FETCH
	Fetch []Token // the parenthesised items of a FETCH
}

// Cmd sends one command (without its tag) and collects the untagged
// responses until the tagged one. A NO or BAD is an *Error.
func (c *Client) Cmd(cmd string) ([]Untagged, string, error) {
	if strings.ContainsAny(cmd, "\r\n") {
		return nil, "", errors.New("imap: command contains a line break")
	}
	c.tag++
	tag := "a" + strconv.Itoa(c.tag)
	c.arm()
	c.w.WriteString(tag + " " + cmd + "\r\n")
	if err := c.w.Flush(); err != nil {
		return nil, "", fmt.Errorf("imap: sending command: %w", err)
	}
	var out []Untagged
	for {
		c.arm()
		first, eol, err := c.atom()
		if err == nil && eol {
			err = fmt.Errorf("imap: short reply %q", first)
		}
		if err != nil {
			return out, "", err
		}
		if first != "*" {
			status, eol, err := c.atom()
			text := ""
			if err == nil && !eol {
				text, err = c.readLine()
			}
			if err != nil {
				return out, "", err
			}
			if first != tag {
				return out, "", fmt.Errorf("imap: reply tagged %q, expected %q", first, tag)
			}
			if status != "OK" {
				return out, text, &Error{Status: status, Text: text}
			}
			return out, text, nil
		}
		u, err := c.untagged()
		if err != nil {
			return out, "", err
		}
		if u.Word == "BYE" && cmd != "LOGOUT" {
			return out, "", &Error{Status: "BYE", Text: u.Text}
		}
		out = append(out, u)
	}
}

// atom reads up to the next space or line end; eol says it was the end.
func (c *Client) atom() (string, bool, error) {
	var b strings.Builder
	for {
		ch, err := c.r.ReadByte()
		if err != nil {
			return "", false, fmt.Errorf("imap: reading reply: %w", err)
		}
		switch ch {
		case ' ':
			return b.String(), false, nil
		case '\r':
			continue
		case '\n':
			return b.String(), true, nil
		}
		if b.Len() > 1024 {
			return "", false, errors.New("imap: reply word too long")
		}
		b.WriteByte(ch)
	}
}

func (c *Client) untagged() (Untagged, error) {
	var u Untagged
	w, eol, err := c.atom()
	if err != nil || eol {
		u.Word = w
		return u, err
	}
	if n, perr := strconv.ParseUint(w, 10, 32); perr == nil {
		u.Num = uint32(n)
		if u.Word, eol, err = c.atom(); err != nil || eol {
			return u, err
		}
		if u.Word == "FETCH" {
			if ch, err := c.r.ReadByte(); err != nil || ch != '(' {
				return u, fmt.Errorf("imap: FETCH without its list: %v", err)
			}
			if u.Fetch, err = c.list(); err != nil {
				return u, err
			}
		}
		_, err = c.readLine()
		return u, err
	}
	u.Word = w
	u.Text, err = c.readLine()
	return u, err
}

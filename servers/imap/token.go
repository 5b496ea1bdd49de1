package imap

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Token is one item of a FETCH response: an atom (NIL included), a
// string (quoted or literal), or a parenthesised list.
type Token struct {
	Atom   string
	Str    []byte
	IsStr  bool
	List   []Token
	IsList bool
}

func (t Token) String() string {
	switch {
	case t.IsStr:
		return string(t.Str)
	case t.IsList:
		parts := make([]string, len(t.List))
		for i, x := range t.List {
			parts[i] = x.String()
		}
		return "(" + strings.Join(parts, " ") + ")"
	}
	return t.Atom
}

// list reads the items of a list whose "(" has been read, up to its ")".
func (c *Client) list() ([]Token, error) {
	var out []Token
	for {
		ch, err := c.r.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("imap: reading list: %w", err)
		}
		switch {
		case ch == ')':
			return out, nil
		case ch == ' ':
		case ch == '(':
			l, err := c.list()
			if err != nil {
				return nil, err
			}
			out = append(out, Token{List: l, IsList: true})
		case ch == '"':
			s, err := c.quoted()
			if err != nil {
				return nil, err
			}
			out = append(out, Token{Str: s, IsStr: true})
		case ch == '{':
			s, err := c.literal()
			if err != nil {
				return nil, err
			}
			out = append(out, Token{Str: s, IsStr: true})
		case ch == '\r' || ch == '\n':
			return nil, errors.New("imap: line ended inside a list")
		default:
			// An atom; BODY[HEADER.FIELDS (FROM)] keeps its brackets whole.
			b := []byte{ch}
			depth := 0
			if ch == '[' {
				depth++
			}
			for {
				nx, err := c.r.ReadByte()
				if err != nil {
					return nil, err
				}
				if depth == 0 && (nx == ' ' || nx == ')') {
					c.r.UnreadByte()
					break
				}
				switch nx {
				case '[':
					depth++
				case ']':
					depth--
				case '\r', '\n':
					return nil, errors.New("imap: line ended inside a list")
				}
				b = append(b, nx)
				if len(b) > 4096 {
					return nil, errors.New("imap: atom too long")
				}
			}
			out = append(out, Token{Atom: string(b)})
		}
	}
}

func (c *Client) quoted() ([]byte, error) {
	var b []byte
	for {
		ch, err := c.r.ReadByte()
		if err != nil {
			return nil, err
		}
		switch ch {
		case '"':
			return b, nil
		case '\\':
			if ch, err = c.r.ReadByte(); err != nil {
				return nil, err
			}
		case '\r', '\n':
			return nil, errors.New("imap: line ended inside a quoted string")
		}
		b = append(b, ch)
		if len(b) > 64<<10 {
			return nil, errors.New("imap: quoted string too long")
		}
	}
}

// literal reads "{n}\r\n" and n octets (the "{" has been read).
func (c *Client) literal() ([]byte, error) {
	line, err := c.readLine()
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(strings.TrimSuffix(line, "}"))
	if err != nil || n < 0 || n > maxLiteral {
		return nil, fmt.Errorf("imap: bad literal size %q", line)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(c.r, b); err != nil {
		return nil, fmt.Errorf("imap: reading literal: %w", err)
	}
	return b, nil
}

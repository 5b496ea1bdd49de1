package imap

import (
	"fmt"
	"strconv"
	"strings"
)

// Login logs in with LOGIN (RFC 3501 section 6.2.3).
func (c *Client) Login(user, password string) error {
	_, _, err := c.Cmd("LOGIN " + Quote(user) + " " + Quote(password))
	return err
}

// Select opens INBOX (or another folder) and returns how many messages it
// holds.
func (c *Client) Select(folder string) (int, error) {
	us, _, err := c.Cmd("SELECT " + Quote(folder))
	n := 0
	for _, u := range us {
		if u.Word == "EXISTS" {
			n = int(u.Num)
		}
	}
	return n, err
}

// Summary is what a FETCH of a message's UID, flags, size and chosen
// header fields returned.
type Summary struct {
	UID    uint32
	Flags  []string
	Size   int
	Header []byte // the header fields asked for
	Body   []byte // the whole message, when asked for
}

// Seen reports whether the message carries \Seen.
func (s Summary) Seen() bool { return s.Has(`\Seen`) }

// Has reports whether the message carries a flag.
func (s Summary) Has(flag string) bool {
	for _, f := range s.Flags {
		if strings.EqualFold(f, flag) {
			return true
		}
	}
	return false
}

// Fetch runs UID FETCH set (items) and returns one Summary per message,
// in the server's order.
func (c *Client) Fetch(set, items string) ([]Summary, error) {
	us, _, err := c.Cmd("UID FETCH " + set + " (" + items + ")")
	if err != nil {
		return nil, err
	}
	var out []Summary
	for _, u := range us {
		if u.Word != "FETCH" {
			continue
		}
		var s Summary
		for i := 0; i+1 < len(u.Fetch); i += 2 {
			name, v := strings.ToUpper(u.Fetch[i].Atom), u.Fetch[i+1]
			switch {
			case name == "UID":
				n, _ := strconv.ParseUint(v.Atom, 10, 32)
				s.UID = uint32(n)
			case name == "FLAGS":
				for _, f := range v.List {
					s.Flags = append(s.Flags, f.Atom)
				}
			case name == "RFC822.SIZE":
				s.Size, _ = strconv.Atoi(v.Atom)
			case name == "BODY[]" || name == "RFC822":
				s.Body = v.Str
			case strings.HasPrefix(name, "BODY[HEADER"):
				s.Header = v.Str
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// AddFlags runs UID STORE uid +FLAGS.SILENT (flags).
func (c *Client) AddFlags(uid uint32, flags ...string) error {
	_, _, err := c.Cmd(fmt.Sprintf("UID STORE %d +FLAGS.SILENT (%s)", uid, strings.Join(flags, " ")))
	return err
}

// Expunge removes the messages flagged \Deleted.
func (c *Client) Expunge() error {
	_, _, err := c.Cmd("EXPUNGE")
	return err
}

// Logout says goodbye and closes the connection.
func (c *Client) Logout() error {
	_, _, err := c.Cmd("LOGOUT")
	c.nc.Close()
	return err
}

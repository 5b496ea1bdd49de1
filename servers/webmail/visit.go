package webmail

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
)

// Visit is what a user does in Web Mail in one sitting: log in, do one
// thing, log out.
type Visit struct {
	Base     string // "http://webmail.comentum.com"
	User     string // login
	Password string
	Do       string // "read", "send", "delete" or "" (just look at the inbox)
	Subject  string // the message to read or delete ("" means the newest), or to send
	To       []string
	Body     string
}

// Outcome says how a visit went.
type Outcome struct {
	LoggedIn bool
	Subject  string // the message read, sent or deleted
	Inbox    int    // messages listed in the inbox
}

var (
	reCSRF  = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)
	reRow   = regexp.MustCompile(`<a href="/read\?uid=(\d+)">([^<]*)</a>`)
	reError = regexp.MustCompile(`<p class="error">([^<]*)</p>`)
)

// Run plays the visit in the browser.
func (b *Browser) Run(v Visit) (Outcome, error) {
	var out Outcome
	defer b.Close()
	p, err := b.Get(v.Base + "/login")
	if err != nil {
		return out, err
	}
	p, err = b.Post(v.Base+"/login", url.Values{"csrf": {csrf(p)}, "user": {v.User}, "password": {v.Password}})
	if err != nil {
		return out, err
	}
	if p.Status != 200 || !strings.HasSuffix(p.URL, "/inbox") {
		return out, fmt.Errorf("login refused (%d): %s", p.Status, pageError(p))
	}
	out.LoggedIn = true
	rows := reRow.FindAllStringSubmatch(p.Body, -1)
	out.Inbox = len(rows)
	uid := ""
	for _, r := range rows {
		if s := html.UnescapeString(r[2]); v.Subject == "" || s == v.Subject {
			uid, out.Subject = r[1], s
			break
		}
	}
	token := csrf(p)
	switch v.Do {
	case "read", "delete":
		if uid == "" {
			return out, fmt.Errorf("no message %q in the inbox", v.Subject)
		}
		if v.Do == "read" {
			p, err = b.Get(v.Base + "/read?uid=" + uid)
		} else {
			p, err = b.Post(v.Base+"/delete", url.Values{"csrf": {token}, "uid": {uid}})
		}
	case "send":
		if p, err = b.Get(v.Base + "/compose"); err == nil {
			out.Subject = v.Subject
			p, err = b.Post(v.Base+"/send", url.Values{"csrf": {csrf(p)}, "to": {strings.Join(v.To, ", ")},
				"subject": {v.Subject}, "body": {v.Body}})
		}
	}
	if err != nil {
		return out, err
	}
	if p.Status != 200 {
		return out, fmt.Errorf("%s failed (%d): %s", v.Do, p.Status, pageError(p))
	}
	_, err = b.Post(v.Base+"/logout", url.Values{"csrf": {csrf(p)}})
	return out, err
}

func csrf(p *Page) string {
	if m := reCSRF.FindStringSubmatch(p.Body); m != nil {
		return m[1]
	}
	return ""
}

func pageError(p *Page) string {
	if m := reError.FindStringSubmatch(p.Body); m != nil {
		return html.UnescapeString(m[1])
	}
	return "no explanation"
}

package webmail

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-message"

	"mailsim/servers/env"
	"mailsim/servers/mua"
)

// row is one message in the inbox list.
type row struct {
	UID                 uint32
	From, Subject, Date string
	Seen                bool
	Size                int
}

func (a *App) inbox(w http.ResponseWriter, r *http.Request, s *session) {
	c, n, err := a.mailbox(s)
	if err != nil {
		a.serverError(w, s, err)
		return
	}
	defer c.Close()
	var rows []row
	if n > 0 {
		list, err := c.Fetch("1:*", "UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE)]")
		if err != nil {
			a.serverError(w, s, err)
			return
		}
		for i := len(list) - 1; i >= 0; i-- { // newest first
			m := list[i]
			h := parseHeader(m.Header)
			rows = append(rows, row{UID: m.UID, From: h.from, Subject: h.subject, Date: h.date, Seen: m.Seen(), Size: m.Size})
		}
	}
	c.Logout()
	note := a.takeNote(s)
	a.page(w, http.StatusOK, "inbox", pageData{Title: "Inbox", User: s.user, CSRF: s.csrf, Rows: rows, Note: note})
}

func (a *App) read(w http.ResponseWriter, r *http.Request, s *session) {
	uid, err := strconv.ParseUint(r.URL.Query().Get("uid"), 10, 32)
	if err != nil || uid == 0 {
		a.page(w, http.StatusBadRequest, "error", pageData{Title: "No such message", User: s.user, CSRF: s.csrf, Error: "That link names no message."})
		return
	}
	c, _, err := a.mailbox(s)
	if err != nil {
		a.serverError(w, s, err)
		return
	}
	defer c.Close()
	// BODY[] (not BODY.PEEK[]) flags the message \Seen on the server.
	got, err := c.Fetch(strconv.FormatUint(uid, 10), "UID BODY[]")
	if err != nil {
		a.serverError(w, s, err)
		return
	}
	c.Logout()
	if len(got) == 0 {
		a.page(w, http.StatusNotFound, "error", pageData{Title: "No such message", User: s.user, CSRF: s.csrf, Error: "That message is no longer on the server."})
		return
	}
	h := parseHeader(got[0].Body)
	a.cfg.Track.Report(env.Step{Kind: env.StepRead, MessageID: h.messageID, From: hostOnly(r.RemoteAddr), To: a.cfg.IMAP, Detail: s.user,
		Proto: "http", Reply: "200 OK; over IMAP: FETCH BODY[] (now flagged \\Seen)"})
	a.page(w, http.StatusOK, "read", pageData{Title: h.subject, User: s.user, CSRF: s.csrf,
		Msg: &shown{UID: uint32(uid), From: h.from, To: h.to, Subject: h.subject, Date: h.date, Body: textBody(got[0].Body)}})
}

func (a *App) compose(w http.ResponseWriter, r *http.Request, s *session) {
	a.page(w, http.StatusOK, "compose", pageData{Title: "Write a message", User: s.user, CSRF: s.csrf, Draft: &draft{}})
}

func (a *App) send(w http.ResponseWriter, r *http.Request, s *session) {
	d := &draft{To: r.PostFormValue("to"), Subject: r.PostFormValue("subject"), Body: r.PostFormValue("body")}
	to := strings.FieldsFunc(d.To, func(r rune) bool { return r == ',' || r == ';' || r == ' ' })
	if len(to) == 0 {
		a.page(w, http.StatusBadRequest, "compose", pageData{Title: "Write a message", User: s.user, CSRF: s.csrf, Draft: d, Error: "Who is it to? Fill in To."})
		return
	}
	if err := a.submitter(s).Send(context.Background(), to, d.Subject, d.Body); err != nil {
		a.page(w, http.StatusBadGateway, "compose", pageData{Title: "Write a message", User: s.user, CSRF: s.csrf, Draft: d, Error: "Not sent: " + err.Error()})
		return
	}
	a.setNote(s, "Message sent to "+strings.Join(to, ", ")+".")
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
}

func (a *App) delete(w http.ResponseWriter, r *http.Request, s *session) {
	uid, err := strconv.ParseUint(r.PostFormValue("uid"), 10, 32)
	if err != nil || uid == 0 {
		a.page(w, http.StatusBadRequest, "error", pageData{Title: "No such message", User: s.user, CSRF: s.csrf, Error: "That form names no message."})
		return
	}
	c, _, err := a.mailbox(s)
	if err != nil {
		a.serverError(w, s, err)
		return
	}
	defer c.Close()
	id := ""
	if got, err := c.Fetch(strconv.FormatUint(uid, 10), "UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"); err == nil && len(got) > 0 {
		id = parseHeader(got[0].Header).messageID
	}
	if err := c.AddFlags(uint32(uid), `\Deleted`); err != nil {
		a.serverError(w, s, err)
		return
	}
	if err := c.Expunge(); err != nil {
		a.serverError(w, s, err)
		return
	}
	c.Logout()
	a.cfg.Track.Report(env.Step{Kind: env.StepDeleted, MessageID: id, From: hostOnly(r.RemoteAddr), To: a.cfg.IMAP, Detail: s.user,
		Proto: "http", Reply: "303 to /inbox; over IMAP: \\Deleted, then EXPUNGE"})
	a.setNote(s, "Message deleted from the server.")
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
}

func (a *App) logout(w http.ResponseWriter, r *http.Request, s *session) {
	a.mu.Lock()
	for id, x := range a.sessions {
		if x == s {
			delete(a.sessions, id)
		}
	}
	a.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (a *App) setNote(s *session, note string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	s.note = note
}

func (a *App) takeNote(s *session) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := s.note
	s.note = ""
	return n
}

// headers are the fields the pages show, decoded.
type headers struct{ from, to, subject, date, messageID string }

func parseHeader(data []byte) headers {
	d := mua.ParseDownloaded(data)
	out := headers{subject: d.Subject, from: d.From, to: d.To, messageID: d.MessageID}
	if !d.Date.IsZero() {
		out.date = d.Date.Format(time.DateTime)
	}
	return out
}

// textBody is the message's first text/plain part, decoded; or its raw
// body when it has none.
func textBody(data []byte) string {
	e, err := message.Read(bytes.NewReader(data))
	if e == nil {
		return rawBody(data)
	}
	if mr := e.MultipartReader(); mr != nil {
		for {
			p, perr := mr.NextPart()
			if perr != nil {
				break
			}
			if t, _, _ := p.Header.ContentType(); t == "text/plain" || t == "" {
				b, _ := io.ReadAll(io.LimitReader(p.Body, maxBodyBytes))
				return string(b)
			}
		}
		return rawBody(data)
	}
	_ = err // an unknown charset still gives the raw text
	b, _ := io.ReadAll(io.LimitReader(e.Body, maxBodyBytes))
	return string(b)
}

func rawBody(data []byte) string {
	if i := bytes.Index(data, []byte("\r\n\r\n")); i >= 0 {
		return string(data[i+4:])
	}
	return ""
}

// hostOnly is the address part of a "host:port" remote address.
func hostOnly(hp string) string {
	if h, _, err := net.SplitHostPort(hp); err == nil {
		return h
	}
	return hp
}

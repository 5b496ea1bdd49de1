package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"mailsim/servers/world"
	"mailsim/sim/scenario"
)

// printRemains says, after serve stops, where every accepted message is:
// the conservation counts, and any copy lost in flight by name.
func printRemains(w io.Writer, rt *world.Runtime) {
	c := rt.Conservation()
	queued := 0
	for _, h := range rt.Scenario.Hosts {
		queued += len(rt.SMTPQueue(h.Name))
	}
	fmt.Fprintf(w, "mail at the stop: %s (%d queue entries)\n", c, queued)
	for _, v := range c.Violations {
		fmt.Fprintf(w, "  %s\n", v)
	}
}

// saveMail writes every mailbox as a Maildir (DIR/ISP/LOGIN/{tmp,new,cur},
// one file per message in new/) and every SMTP queue as one file per
// entry (DIR/queue/HOST/ID-DEST.eml, with the envelope in X-Mailsim-
// headers above the message), so mail outlives the stop.
func saveMail(dir string, rt *world.Runtime) (mailboxes, queued int, err error) {
	sc := rt.Scenario
	for _, isp := range sc.ISPs {
		st := rt.Store(isp.Name)
		if st == nil {
			continue
		}
		for _, login := range st.Users() {
			box := filepath.Join(dir, isp.Name, login)
			for _, sub := range []string{"tmp", "new", "cur"} {
				if err := os.MkdirAll(filepath.Join(box, sub), 0o755); err != nil {
					return mailboxes, queued, err
				}
			}
			for _, m := range st.Messages(login) {
				// Maildir names: time.unique.host; the UID is unique per store.
				name := fmt.Sprintf("%d.%s.mailsim", m.Delivered.Unix(), safeName(m.UID))
				if err := writeMaildir(box, name, m.Data); err != nil {
					return mailboxes, queued, err
				}
				mailboxes++
			}
		}
	}
	for _, h := range sc.Hosts {
		if h.Kind == scenario.KindRouter {
			continue
		}
		for _, q := range rt.SMTPQueue(h.Name) {
			qdir := filepath.Join(dir, "queue", h.Name)
			if err := os.MkdirAll(qdir, 0o755); err != nil {
				return mailboxes, queued, err
			}
			var b strings.Builder
			fmt.Fprintf(&b, "X-Mailsim-From: <%s>\r\nX-Mailsim-To: %s\r\nX-Mailsim-Attempts: %d\r\nX-Mailsim-Last-Error: %s\r\n",
				q.From, strings.Join(q.Rcpts, ", "), q.Attempts, q.LastError)
			data := append([]byte(b.String()), q.Data...)
			if err := os.WriteFile(filepath.Join(qdir, safeName(q.ID+"-"+q.Destination)+".eml"), data, 0o644); err != nil {
				return mailboxes, queued, err
			}
			queued++
		}
	}
	return mailboxes, queued, nil
}

// writeMaildir delivers as Maildir does: write in tmp/, rename into new/.
func writeMaildir(box, name string, data []byte) error {
	tmp := filepath.Join(box, "tmp", name)
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(box, "new", name))
}

// safeName keeps a file name to letters, digits and .-_.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

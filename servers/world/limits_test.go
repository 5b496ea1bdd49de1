package world

import (
	"strings"
	"testing"
)

// limits: on an SMTP host: SIZE is advertised in EHLO, a bigger message
// is refused with 552 5.3.4 at MAIL (its SIZE=) and bounces; past
// max_recipients each RCPT gets 452 4.5.3, and the sending server
// delivers the rest in a second transaction.
func TestSMTPLimits(t *testing.T) {
	body := strings.Repeat("All work and no play makes Jack a dull boy. ", 40)
	src := `
isps:
  otherisp: {domain: otherisp.com, users: {lisa: secret1}}
  comentum:
    domain: comentum.com
    users: {bob: a, carol: b, dave: c}
    servers:
      smtp.comentum.com: {services: [smtp], limits: {max_size: 1KB, max_recipients: 2}}
      pop3.comentum.com: [pop3]
      ns.comentum.com: [dns]
hosts:
  lisa-pc: {user: lisa@otherisp.com}
timeline:
  - {at: 0s, send: {from: lisa@otherisp.com, to: [bob@comentum.com, carol@comentum.com, dave@comentum.com], subject: Party}}
  - {at: 10s, send: {from: lisa@otherisp.com, to: bob@comentum.com, subject: Novel, body: "` + body + `"}}
expect:
  - {smtp_reply: {code: 250, text: SIZE 1000, line: any, server: smtp.comentum.com}}
  - {smtp_reply: {code: 452, enhanced: 4.5.3, text: "Error: too many recipients", server: smtp.comentum.com}}
  - {delivered: {to: bob@comentum.com, subject: Party}}
  - {delivered: {to: carol@comentum.com, subject: Party}}
  - {delivered: {to: dave@comentum.com, subject: Party}}
  - {smtp_reply: {code: 552, enhanced: 5.3.4, text: Message size exceeds fixed limit, server: smtp.comentum.com}}
  - {bounced: {sender: lisa@otherisp.com, recipient: bob@comentum.com, status: 5.3.4}}
`
	rt := runSrc(t, "limits.yaml", src)
	for _, r := range rt.Results() {
		if !r.OK {
			t.Errorf("%s", r)
		}
	}
	for _, s := range rt.Summary() {
		if s.Subject == "Party" && s.Retries != 0 {
			t.Errorf("Party needed %d retries; the third recipient should go in a second transaction at once", s.Retries)
		}
	}
}

package world

import "testing"

// A multi-line reply matches smtp_reply on its last line unless line:
// says otherwise: EHLO's "250-smtp.otherisp.com" first line is no 250
// that could be mistaken for the reply to MAIL.
func TestSMTPReplyLine(t *testing.T) {
	const src = `
isps:
  otherisp: {domain: otherisp.com, users: {lisa: secret1}}
hosts:
  lisa-pc: {user: lisa@otherisp.com}
timeline:
  - {at: 0s, send: {from: lisa@otherisp.com, to: nobody@otherisp.com, subject: Hi}}
expect:
  - {smtp_reply: {code: 250, text: smtp.otherisp.com, client: lisa-pc}}
  - {smtp_reply: {code: 250, text: smtp.otherisp.com, client: lisa-pc, line: 1}}
  - {smtp_reply: {code: 250, text: SIZE 10240000, client: lisa-pc, line: any}}
  - {smtp_reply: {code: 250, text: PIPELINING, client: lisa-pc}}
  - {smtp_reply: {code: 250, enhanced: 2.1.0, text: Ok, client: lisa-pc}}
  - {smtp_reply: {code: 550, enhanced: 5.1.1, client: lisa-pc}}
`
	rt := runSrc(t, "line.yaml", src)
	want := []bool{false, true, true, false, true, true}
	for i, r := range rt.Results() {
		if r.OK != want[i] {
			t.Errorf("expectation %d: ok=%v, want %v: %s", i+1, r.OK, want[i], r)
		}
	}
}

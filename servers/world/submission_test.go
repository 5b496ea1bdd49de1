package world

import (
	"bytes"
	"strings"
	"testing"

	"mailsim/sim"
	"mailsim/sim/scenario"
)

// A mail program with submission: true logs in on port 587 and its mail
// is delivered; one without a login is refused there with 530 even from
// the ISP's own LAN, where port 25 would trust it.
func TestSubmission(t *testing.T) {
	const src = `
title: Submission
isps:
  otherisp: {domain: otherisp.com, users: {lisa: secret1, mallory: pw}}
  comentum: {domain: comentum.com, users: {bob: secret2}}
hosts:
  lisa-pc: {user: lisa@otherisp.com, submission: true}
  mallory-pc: {user: mallory@otherisp.com, submission: true, password: wrong}
  bob-pc: {user: bob@comentum.com}
timeline:
  - {at: 0s, send: {from: lisa@otherisp.com, to: bob@comentum.com, subject: "Lunch?"}}
  - {at: 1s, send: {from: mallory@otherisp.com, to: bob@comentum.com, subject: Spam}}
  - {at: 30s, check: bob-pc}
expect:
  - {downloaded: {host: bob-pc, subject: "Lunch?"}}
  - {smtp_reply: {code: 235, server: smtp.otherisp.com, client: lisa-pc}}
  - {smtp_reply: {code: 535, server: smtp.otherisp.com, client: mallory-pc}}
`
	sc, err := scenario.Parse("submission.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if pc := sc.PC("lisa-pc"); !pc.Submission || pc.Auth != scenario.AuthPlain {
		t.Fatalf("lisa-pc: submission %v auth %q, want true and plain by default", pc.Submission, pc.Auth)
	}
	rt := buildScenario(t, sc)
	var buf bytes.Buffer
	tw := sim.NewTextTrace(&buf)
	rt.World.Subscribe(tw.Event)
	if err := rt.Run(); err != nil {
		t.Fatal(err)
	}
	tw.Flush()
	trace := buf.String()
	for _, r := range rt.Results() {
		if !r.OK {
			t.Errorf("%s", r)
		}
	}
	for _, want := range []string{
		"198.51.100.25:587 [PSH,ACK]",
		"AUTH PLAIN",
		"235 2.0.0 Authentication succeeded",
	} {
		if !strings.Contains(trace, want) {
			t.Errorf("trace lacks %q", want)
		}
	}
	if strings.Contains(trace, "Subject: Spam") {
		t.Error("mallory's message was sent without a valid login")
	}
	if t.Failed() {
		t.Logf("trace:\n%s", trace)
	}
}

// A scenario cannot ask for submission without a login.
func TestSubmissionNeedsAuth(t *testing.T) {
	_, err := scenario.Parse("x.yaml", []byte(`
isps: {otherisp: {domain: otherisp.com, users: {lisa: pw}}}
hosts: {lisa-pc: {user: lisa@otherisp.com, submission: true, auth: none}}
`))
	if err == nil || !strings.Contains(err.Error(), "x.yaml:3:68: the submission port needs a login, but auth is none") {
		t.Errorf("auth: none with submission: got %v", err)
	}
}

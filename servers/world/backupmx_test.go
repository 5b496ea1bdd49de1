package world

import (
	"testing"

	"mailsim/sim/scenario"
)

// runSrc builds and runs src and returns the runtime.
func runSrc(t *testing.T, name, src string) *Runtime {
	t.Helper()
	sc, err := scenario.Parse(name, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	rt := buildScenario(t, sc)
	if err := rt.Run(); err != nil {
		t.Fatal(err)
	}
	return rt
}

// An instructor adds a second MX record the way FORMAT.md shows it,
// pointing at another ISP's server, and stops the primary: the mail goes
// through the backup, which forwards it once the primary is back, and
// nobody answers "Relay access denied".
func TestBackupMXAsAnInstructorWritesIt(t *testing.T) {
	const src = `
title: Backup MX by dns_add
until: 40m
isps:
  otherisp: {domain: otherisp.com, users: {lisa: secret1}}
  comentum: {domain: comentum.com, users: {bob: secret2}}
  thirdisp: {domain: thirdisp.com, users: {carol: secret3}}
hosts:
  carol-pc: {user: carol@thirdisp.com}
  bob-pc: {user: bob@comentum.com}
timeline:
  - {at: 0s, dns_add: {name: comentum.com, type: MX, value: smtp.otherisp.com, pref: 20}}
  - {at: 0s, stop: {host: smtp.comentum.com, service: smtp}}
  - {at: 10s, send: {from: carol@thirdisp.com, to: bob@comentum.com, subject: Hello}}
  - {at: 3m, start: {host: smtp.comentum.com, service: smtp}}
  - {at: 30m, check: bob-pc}
expect:
  - {path: {subject: Hello, hosts: [carol-pc, smtp.thirdisp.com, smtp.otherisp.com, smtp.comentum.com, bob-pc]}}
  - {downloaded: {host: bob-pc, subject: Hello}}
`
	sc, err := scenario.Parse("instructor.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := sc.ISP("otherisp").SMTPServer("smtp.otherisp.com").RelayFor; len(got) != 1 || got[0] != "comentum.com" {
		t.Fatalf("relay_for of smtp.otherisp.com = %v, want [comentum.com] from the dns_add", got)
	}
	rt := runSrc(t, "instructor.yaml", src)
	for _, r := range rt.Results() {
		if !r.OK {
			t.Errorf("%s", r)
		}
	}
}

// An ISP may run two SMTP hosts, both MX for its domain: with the first
// stopped, the second takes the mail and delivers it locally at once.
func TestTwoSMTPHostsInOneISP(t *testing.T) {
	const src = `
title: Two MX hosts
isps:
  otherisp: {domain: otherisp.com, users: {lisa: secret1}}
  comentum:
    domains: [{name: comentum.com, mx: [mx1.comentum.com, mx2.comentum.com]}]
    users: {bob: secret2}
    servers:
      mx1.comentum.com: [smtp]
      mx2.comentum.com: [smtp]
      pop3.comentum.com: [pop3]
      ns.comentum.com: [dns]
hosts:
  lisa-pc: {user: lisa@otherisp.com}
timeline:
  - {at: 0s, stop: mx1.comentum.com}
  - {at: 1s, send: {from: lisa@otherisp.com, to: bob@comentum.com, subject: Hi}}
expect:
  - {delivered: {to: bob@comentum.com, subject: Hi}, by: 10s}
  - {path: {subject: Hi, hosts: [lisa-pc, smtp.otherisp.com, mx2.comentum.com, pop3.comentum.com]}}
`
	rt := runSrc(t, "two.yaml", src)
	for _, r := range rt.Results() {
		if !r.OK {
			t.Errorf("%s", r)
		}
	}
	mx2 := rt.Scenario.Host("mx2.comentum.com")
	if mx2 == nil || len(mx2.Services) != 2 {
		t.Fatalf("mx2.comentum.com services = %v, want smtp and submission", mx2)
	}
}

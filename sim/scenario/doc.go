// Package scenario reads mailsim scenario files (YAML) into a fully resolved,
// plain-data model: every address, link, DNS record and server placement that
// the file leaves out is filled in by fixed, documented defaults (see
// scenarios/FORMAT.md for the address plan), and every action and expectation
// keeps the file:line:column it came from so a run can point back at it.
//
// The loader produces configuration only; the simulator builds the running
// world from a *Scenario. Validation reports all problems at once as an
// ErrorList whose entries read "file.yaml:12:5: message (hint)".
//
// Formats followed: YAML 1.2 (via gopkg.in/yaml.v3 nodes), mail addresses as
// in RFC 5321 section 4.1.2 (local@domain, no display names), host and domain
// names as in RFC 1035 section 2.3.1, enhanced status codes as in RFC 3463,
// DNS record types of RFC 1035 (A, NS, MX, CNAME, TXT, PTR; reverse names
// under in-addr.arpa as in section 3.5) and prefixes in CIDR notation
// (RFC 4632); documentation address ranges follow RFC 5737, the
// benchmarking range RFC 2544.
package scenario

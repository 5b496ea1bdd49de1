package scenario

import (
	"errors"
	"strings"
	"testing"
)

// base is a valid scenario that error cases extend.
const base = `title: t
isps:
  otherisp: {domain: otherisp.com, users: {lisa: secret1}}
  comentum: {domain: comentum.com, users: {bob: secret2}}
hosts:
  lisa-pc: {user: lisa@otherisp.com}
  bob-pc: {user: bob@comentum.com}
`

const okExpect = "expect:\n  - {downloaded: bob-pc}\n"

func TestErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "x.yaml:1:1: the file is empty (start with title: and isps:, see scenarios/FORMAT.md)"},
		{"comments only", "# nothing\n", "x.yaml:1:1: the file is empty (start with title: and isps:, see scenarios/FORMAT.md)"},
		{"not a mapping", "- a\n- b\n", "x.yaml:1:1: the scenario must be a mapping of keys, got a list (start with title: and isps:)"},
		{"syntax", "title: t\nisps: [\n", "x.yaml:3:1: YAML syntax error: did not find expected node content (check indentation, colons and quotes)"},
		{"question mark", "title: {x: Lunch?}\n", `x.yaml:1:1: YAML syntax error: did not find expected ',' or '}' (inside {..} or [..], quote values that end in ? or hold ": ", e.g. subject: "Lunch?")`},
		{"no isps", "title: t\n", "x.yaml:1:1: the scenario has no ISPs (add isps: with at least one ISP, e.g. comentum: {domain: comentum.com, users: {bob: secret}})\n" +
			"x.yaml:1:1: the scenario has no expectations (add expect: with at least one check, e.g. - {downloaded: bob-pc})"},
		{"unknown top key", base + "titel: x\n" + okExpect, `x.yaml:8:1: unknown key "titel" in the scenario (did you mean "title"?)`},
		{"unknown key no hint", base + "zzzzzz: x\n" + okExpect, `x.yaml:8:1: unknown key "zzzzzz" in the scenario (known keys: title, description, seed, until, epoch, defaults, internet, isps, hosts, timeline, expect)`},
		{"duplicate key", base + "title: again\n" + okExpect, `x.yaml:8:1: duplicate key "title" in the scenario (each key may appear once)`},
		{"subject typo", base + "timeline:\n  - {at: 0s, send: {from: lisa@otherisp.com, to: bob@comentum.com, subjct: Hi}}\n" + okExpect,
			`x.yaml:9:68: unknown key "subjct" in send (did you mean "subject"?)`},
		{"bad duration", base + "timeline:\n  - {at: soon, check: bob-pc}\n" + okExpect,
			`x.yaml:9:10: expected a duration like 20s, got "soon" (units: ms, s, m, h, d)`},
		{"duration without unit", base + "timeline:\n  - {at: 20, check: bob-pc}\n" + okExpect,
			`x.yaml:9:10: expected a duration like 20s, got "20" (add a unit, e.g. 20s)`},
		{"duration mapping", base + "until: {a: 1}\n" + okExpect, `x.yaml:8:8: expected a duration like 20s, got a mapping`},
		{"unknown host", base + "timeline:\n  - {at: 1s, check: bobpc}\n" + okExpect,
			`x.yaml:9:21: unknown host "bobpc" (did you mean "bob-pc"?)`},
		{"unknown isp", base + "  carl-pc: {user: lisa@otherisp.com, isp: comentun}\n" + okExpect,
			`x.yaml:8:43: unknown ISP "comentun" (did you mean "comentum"?)`},
		{"unserved domain", base + "  carl-pc: {user: carl@nowhere.com}\n" + okExpect,
			`x.yaml:8:19: no ISP serves domain nowhere.com`},
		{"unknown user", base + "  carl-pc: {user: bobb@comentum.com}\n" + okExpect,
			`x.yaml:8:19: ISP comentum has no user bobb@comentum.com (did you mean "bob@comentum.com"?)`},
		{"bad email", base + "  carl-pc: {user: carl}\n" + okExpect,
			`x.yaml:8:19: expected a mail address like lisa@otherisp.com, got "carl"`},
		{"bad addr", base + "  carl-pc: {isp: comentum, addr: 300.1.1.1}\n" + okExpect,
			`x.yaml:8:34: expected an IPv4 address like 198.51.100.7, got "300.1.1.1"`},
		{"addr outside lan", base + "  carl-pc: {isp: comentum, addr: 198.51.100.9}\n" + okExpect,
			`x.yaml:8:34: address 198.51.100.9 of carl-pc is outside comentum's LAN 203.0.113.0/24 (addresses in an ISP come from its prefix)`},
		{"duplicate addr", base + "  carl-pc: {isp: comentum, addr: 203.0.113.100}\n" + okExpect,
			`x.yaml:8:3: address 203.0.113.100 of carl-pc is already used by bob-pc`},
		{"duplicate host", strings.Replace(base, "hosts:\n", "hosts:\n  comentum-router: {isp: comentum}\n", 1) + okExpect,
			`x.yaml:6:3: duplicate host name "comentum-router" (first at line 4) (host, router and server names share one namespace)`},
		{"host with ISP keys", base + "  extra: {domain: comentum.com}\n" + okExpect,
			"x.yaml:8:3: host extra needs user: or isp: (give it user: (a mail address) or isp: (where it connects))\n" +
				"x.yaml:8:11: unknown key \"domain\" in host extra (known keys: user, password, isp, addr, leave_on_server, submission, incoming, browser, auth, smtp, pop3, link)"},
		{"domain served twice", strings.Replace(base, "hosts:", "  third: {domain: comentum.com}\nhosts:", 1) + okExpect,
			`x.yaml:5:19: domain comentum.com is already served by ISP comentum (a domain is served by one ISP)`},
		{"after end", base + "until: 10m\ntimeline:\n  - {at: 30m, check: bob-pc}\n" + okExpect,
			`x.yaml:10:10: at 30m is after the end of the run (until: 10m) (raise until: or move it earlier)`},
		{"by after end", base + "until: 1m\nexpect:\n  - {downloaded: bob-pc, by: 90s}\n",
			`x.yaml:10:30: by 1m30s is after the end of the run (until: 1m) (raise until: or move it earlier)`},
		{"disconnected", strings.Replace(base, "{domain: comentum.com,", "{uplink: none, domain: comentum.com,", 1) + okExpect,
			"x.yaml:4:3: no route reaches host comentum-router (add a link that joins it to the rest of the network)\n" +
				"x.yaml:4:3: no route reaches host smtp.comentum.com (add a link that joins it to the rest of the network)\n" +
				"x.yaml:4:3: no route reaches host pop3.comentum.com (add a link that joins it to the rest of the network)\n" +
				"x.yaml:4:3: no route reaches host ns.comentum.com (add a link that joins it to the rest of the network)\n" +
				"x.yaml:7:3: no route reaches host bob-pc (add a link that joins it to the rest of the network)"},
		{"lonely router", base + "internet:\n  routers: {edge: {}}\n" + okExpect,
			"x.yaml:9:13: no route reaches host edge (add a link that joins it to the rest of the network)"},
		{"no kind", base + "timeline:\n  - {at: 1s}\n" + okExpect,
			"x.yaml:9:5: timeline action needs a kind (one of: send, check, link_down, link_up, flap, slow, stop, start, dns_add, dns_remove, webmail)"},
		{"two kinds", base + "timeline:\n  - {at: 1s, check: bob-pc, stop: smtp.comentum.com}\n" + okExpect,
			"x.yaml:9:5: timeline action has several kinds: check, stop (write one per list item)"},
		{"no expect", base, "x.yaml:1:1: the scenario has no expectations (add expect: with at least one check, e.g. - {downloaded: bob-pc})"},
		{"send unknown sender", base + "timeline:\n  - {at: 0s, send: {from: eve@otherisp.com, to: bob@comentum.com}}\n" + okExpect,
			"x.yaml:9:27: no host has the mail program of eve@otherisp.com (add a host with user: eve@otherisp.com, or say host:)"},
		{"stop unknown service", base + "timeline:\n  - {at: 0s, stop: {host: smtp.comentum.com, service: pop}}\n" + okExpect,
			`x.yaml:9:55: host smtp.comentum.com does not run pop (it runs smtp, submission)`},
		{"link that does not exist", base + "timeline:\n  - {at: 0s, link_down: [bob-pc, internet]}\n" + okExpect,
			"x.yaml:9:26: there is no link between bob-pc and internet"},
		{"dns outside zones", base + "timeline:\n  - {at: 0s, dns_remove: {name: example.org, type: MX}}\n" + okExpect,
			`x.yaml:9:33: no zone holds "example.org" (records live in the zone of an ISP's domain)`},
		{"dns bad type", base + "timeline:\n  - {at: 0s, dns_add: {name: x.comentum.com, type: AAA, value: 1.2.3.4}}\n" + okExpect,
			`x.yaml:9:52: unknown record type "AAA" (types: A, NS, MX, CNAME, TXT, PTR) (did you mean "A"?)`},
		{"dns bad type and ttl", base + "timeline:\n  - {at: 0s, dns_add: {name: x.comentum.com, type: AAAAX, value: 1.2.3.4, ttl: 1q}}\n" + okExpect,
			"x.yaml:9:52: unknown record type \"AAAAX\" (types: A, NS, MX, CNAME, TXT, PTR)\n" +
				"x.yaml:9:80: expected a duration like 20s, got \"1q\" (units: ms, s, m, h, d)"},
		{"dns outside zones and bad value", base + "timeline:\n  - {at: 0s, dns_add: {name: example.org, type: A, value: nope, pref: -1}}\n" + okExpect,
			"x.yaml:9:30: no zone holds \"example.org\" (records live in the zone of an ISP's domain)\n" +
				"x.yaml:9:59: expected an IPv4 address for an A record, got \"nope\"\n" +
				"x.yaml:9:71: an MX preference must be between 0 and 65535, got -1"},
		{"dns ptr bad value", base + "timeline:\n  - {at: 0s, dns_add: {name: 7.100.51.198.in-addr.arpa, type: PTR, value: \"not a name\"}}\n" + okExpect,
			`x.yaml:9:75: expected a host name for a PTR record, got "not a name"`},
		{"dns reverse name outside LANs", base + "timeline:\n  - {at: 0s, dns_add: {name: 7.1.51.198.in-addr.arpa, type: PTR, value: lisa-pc.otherisp.com}}\n" + okExpect,
			`x.yaml:9:30: no zone holds "7.1.51.198.in-addr.arpa" (reverse names live in the in-addr.arpa zone of a /24 that holds an ISP's hosts)`},
		{"send unknown sender and via", base + "timeline:\n  - {at: 0s, send: {from: eve@otherisp.com, to: bob@comentum.com, via: nosuch.host}}\n" + okExpect,
			"x.yaml:9:27: no host has the mail program of eve@otherisp.com (add a host with user: eve@otherisp.com, or say host:)\n" +
				`x.yaml:9:72: unknown host "nosuch.host"`},
		{"send bad via no cascade", base + "timeline:\n  - {at: 0s, send: {from: lisa@otherisp.com, to: bob@comentum.com, via: nosuch.host}}\n" + okExpect,
			`x.yaml:9:73: unknown host "nosuch.host"`},
		{"send via not smtp", base + "timeline:\n  - {at: 0s, send: {from: lisa@otherisp.com, to: bob@comentum.com, via: pop3.otherisp.com}}\n" + okExpect,
			`x.yaml:9:73: host pop3.otherisp.com does not run smtp`},
		{"isps not a mapping", "title: t\nisps: 5\nexpect:\n  - {smtp_reply: {code: 554}}\n",
			`x.yaml:2:7: isps must be a mapping of key: value, got "5"`},
		{"isps empty", "title: t\nisps: {}\nexpect:\n  - {smtp_reply: {code: 554}}\n",
			"x.yaml:2:1: the scenario has no ISPs (add isps: with at least one ISP, e.g. comentum: {domain: comentum.com, users: {bob: secret}})"},
		{"bad status", base + "expect:\n  - {bounced: {sender: lisa@otherisp.com, status: 5-1-1}}\n",
			`x.yaml:9:51: expected a status code like 5.1.1, got "5-1-1" (RFC 3463: class.subject.detail, e.g. 5.1.1)`},
		{"reply code range", base + "expect:\n  - {smtp_reply: {code: 999}}\n",
			"x.yaml:9:25: an SMTP reply code must be between 200 and 599, got 999"},
		{"at on event", base + "expect:\n  - {downloaded: bob-pc, at: 1m}\n",
			"x.yaml:9:26: at: does not apply to downloaded (use by: (and after:) for events)"},
		{"bad bandwidth", base + "defaults: {access: {bandwidth: fast}}\n" + okExpect,
			`x.yaml:8:32: expected a bandwidth like 20Mbit, got "fast" (units: bit, kbit, Mbit, Gbit; between 1bit and 1000Gbit)`},
		{"bad service", strings.Replace(base, "{domain: comentum.com,", "{servers: {mail.comentum.com: [smtp, pop3, dsn]}, domain: comentum.com,", 1) + okExpect,
			"x.yaml:4:3: ISP comentum has no host running dns (list a host for it under servers:)\n" +
				"x.yaml:4:43: unknown service \"dsn\" (services are smtp, pop3, dns, http) (did you mean \"dns\"?)"},
		{"server outside domains", strings.Replace(base, "{domain: comentum.com,", "{servers: {mail.example.org: [smtp, pop3, dns]}, domain: comentum.com,", 1) + okExpect,
			`x.yaml:4:24: server host name "mail.example.org" must lie in one of comentum's domains (e.g. mail.comentum.com, so DNS can name it)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(tc.in))
			if err == nil {
				t.Fatalf("no error, want:\n%s", tc.want)
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is %T, not ErrorList", err)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
			for _, e := range list {
				if e.Line <= 0 || e.Col <= 0 {
					t.Errorf("error without a position: %v", e)
				}
			}
		})
	}
}

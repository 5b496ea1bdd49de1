package scenario

import "gopkg.in/yaml.v3"

// webDo lists what a webmail action can do.
var webDo = []string{"inbox", "read", "send", "delete"}

// readWebmail reads {host: library-pc, user: bob@comentum.com, do: read,
// subject: .., to: .., body: .., password: .., server: ..}.
func (nw *world) readWebmail(a *Action, n *yaml.Node) bool {
	d := nw.d
	name, m, p, ok := nw.hostArg(n, "webmail", "user", "do", "subject", "to", "body", "password", "server")
	if !ok {
		return false
	}
	pc := nw.pcRef(name, p)
	if pc == nil {
		return false
	}
	if !pc.Browser {
		d.errAt(p, "give the host browser: true", "host %s has a mail program but no browser", name)
		return false
	}
	v := &WebVisit{Do: "inbox"}
	un, has := m["user"]
	if !has {
		d.errAt(p, "e.g. user: bob@comentum.com", "webmail needs user:")
		return false
	}
	addr, ok := d.email(un)
	if !ok {
		return false
	}
	var acct PC
	isp := nw.mailbox(addr, d.pos(un), &acct)
	if isp == nil {
		return false
	}
	v.User, v.Login, v.Password = addr, acct.Login, acct.Password
	if dn, has := m["do"]; has {
		s, _ := d.str(dn)
		if !contains(webDo, s) {
			d.errf(dn, didYouMean(s, webDo), "webmail do: is inbox, read, send or delete, not %q", s)
			return false
		}
		v.Do = s
	}
	if sn, has := m["subject"]; has {
		v.Subject, _ = d.str(sn)
	}
	if bn, has := m["body"]; has {
		v.Body, _ = d.str(bn)
	}
	if pn, has := m["password"]; has {
		v.Password, _ = d.str(pn)
	}
	if tn, has := m["to"]; has {
		v.To, ok = d.stringList(tn, d.email)
		if !ok {
			return false
		}
	}
	if v.Do == "send" && len(v.To) == 0 {
		d.errAt(p, "e.g. to: lisa@otherisp.com", "webmail do: send needs to:")
		return false
	}
	v.Server = isp.Server(HTTP)
	if sn, has := m["server"]; has {
		s, _ := d.str(sn)
		v.Server = nw.serverRef(s, HTTP, d.pos(sn))
		if v.Server == "" {
			return false
		}
	}
	if v.Server == "" {
		d.errAt(p, "list a host with services: [http] under the ISP's servers:", "ISP %s has no Web Mail", isp.Name)
		return false
	}
	a.Host, a.Web = pc.Host, v
	return true
}
